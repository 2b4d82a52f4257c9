using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Problems;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// Sites (stream <c>site-{siteId}</c>): charge points at one address sharing a time zone, with tariff assignments that
/// price their sessions unless a group or charge point assignment is more specific. Which site a charge point is at is
/// its membership (stream <c>membership-{chargePointId}</c>). Nothing is edited: later entries supersede from their start.
/// </summary>
public static class SiteEndpoints
{
    private const string Route = "/sites/{siteId}";

    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sites", RegisterAsync).WithTags("Billing").WithName("RegisterSite")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Registers a site (name, tzdb time zone, address); registering it again with the same details changes nothing.");
        app.MapGet(Route, GetAsync).WithTags("Billing").WithName("Site")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor))
            .WithSummary("A site with its tariff assignments in the order made.");
        app.MapPost(Route + "/tariff-assignments", AssignAsync).WithTags("Billing").WithName("AssignSiteTariff")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Assigns a published tariff to a site from a validity start; group and charge point assignments win over it.");
        app.MapPost(Route + "/charge-points", PlaceAsync).WithTags("Billing").WithName("PlaceChargePointAtSite")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Places a charge point at the site from a validity start (moving it from its previous site then).");
        return app;
    }

    public static async Task<Results<Created<SiteView>, Ok<SiteView>>> RegisterAsync(
        RegisterSiteRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var siteId = ApiInput.Required(request.SiteId, "siteId");
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Site(siteId), SiteState.Fold,
            state => [.. SiteDecider.Decide(new RegisterSite(siteId, request.Name, request.TimeZoneId, request.Address, CommandMetadata.Caller(http), now), state)],
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = View(await TariffScopeLookups.SiteAsync(writer, siteId, cancellationToken).ConfigureAwait(false))! with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0 ? TypedResults.Created(SiteLocation(siteId), view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<SiteView>, ProblemHttpResult>> GetAsync(string siteId, CommandWriter writer, CancellationToken cancellationToken) =>
        View(await TariffScopeLookups.SiteAsync(writer, siteId, cancellationToken).ConfigureAwait(false)) is { } view
            ? TypedResults.Ok(view)
            : UnknownSite(siteId);

    public static async Task<Results<Created<SiteView>, Ok<SiteView>, ProblemHttpResult>> AssignAsync(
        string siteId, AssignTariffRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var tariffId = ApiInput.Required(request.TariffId, "tariffId");
        var validFrom = ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value;
        if ((await TariffScopeLookups.SiteAsync(writer, siteId, cancellationToken).ConfigureAwait(false)).Registration is null)
        {
            return UnknownSite(siteId);
        }
        if (await TariffScopeLookups.TariffAsync(writer, tariffId, cancellationToken).ConfigureAwait(false) is not { } tariff)
        {
            return ApiProblems.NotFound("tariffId", $"There is no tariff '{tariffId}'.");
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Site(siteId), SiteState.Fold,
            state => [.. SiteDecider.Decide(new AssignSiteTariff(siteId, tariffId, validFrom, CommandMetadata.Caller(http), now), state, tariff)],
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = View(await TariffScopeLookups.SiteAsync(writer, siteId, cancellationToken).ConfigureAwait(false))! with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0 ? TypedResults.Created(SiteLocation(siteId), view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> PlaceAsync(
        string siteId, MembershipRequest request, HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken)
    {
        var chargePointId = ApiInput.Required(request.ChargePointId, "chargePointId");
        var validFrom = ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value;
        var site = await TariffScopeLookups.SiteAsync(writer, siteId, cancellationToken).ConfigureAwait(false);
        if (site.Registration is null)
        {
            return UnknownSite(siteId);
        }
        if (!await TariffScopeLookups.ChargePointExistsAsync(store, chargePointId, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("chargePointId", $"There is no charge point '{chargePointId}'.");
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Membership(chargePointId), MembershipState.Fold,
            state => [.. MembershipDecider.Decide(new PlaceChargePointAtSite(chargePointId, siteId, validFrom, CommandMetadata.Caller(http), now), state, site)],
            CommandMetadata.For(http, now, chargePointId), cancellationToken).ConfigureAwait(false);
        return await MembershipEndpoints.WrittenAsync(chargePointId, write, writer, cancellationToken).ConfigureAwait(false);
    }

    private static ProblemHttpResult UnknownSite(string siteId) => ApiProblems.NotFound("siteId", $"There is no site '{siteId}'.");

    private static string SiteLocation(string siteId) => "/sites/" + Uri.EscapeDataString(siteId);

    private static SiteView? View(SiteState state) => state.Registration is { } site
        ? new SiteView(site.SiteId, site.Name, site.TimeZoneId, site.Address, site.RegisteredBy, site.ReceivedAt, TariffScopeLookups.Views(state.Assignments))
        : null;
}
