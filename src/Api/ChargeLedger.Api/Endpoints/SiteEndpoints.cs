using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Idempotency;
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

    /// <summary>Sites as a place tariffs are assigned to and charge points are placed at.</summary>
    internal static readonly TariffScopeEndpoint<SiteState, SiteView> Scope = new(
        "siteId", "site", "/sites/", StreamIds.Site, SiteState.Fold, state => state.Registration is not null,
        (state, created) => state.Registration is { } site
            ? new SiteView(site.SiteId, site.Name, site.TimeZoneId, site.Address, site.RegisteredBy, site.ReceivedAt, TariffScopeLookups.Views(state.Assignments), created)
            : null);

    public static Task<Results<Created<SiteView>, Ok<SiteView>>> RegisterAsync(
        RegisterSiteRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var siteId = ApiInput.Required(request.SiteId, "siteId");
        return Scope.WriteAsync(siteId, (by, now, state) => [.. SiteDecider.Decide(new RegisterSite(siteId, request.Name, request.TimeZoneId, request.Address, by, now), state)],
            http, writer, clock, cancellationToken);
    }

    public static Task<Results<Ok<SiteView>, ProblemHttpResult>> GetAsync(string siteId, CommandWriter writer, CancellationToken cancellationToken) =>
        Scope.GetAsync(siteId, writer, cancellationToken);

    public static Task<Results<Created<SiteView>, Ok<SiteView>, ProblemHttpResult>> AssignAsync(
        string siteId, AssignTariffRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken) =>
        Scope.AssignAsync(siteId, request,
            (tariffId, validFrom, tariff, by, now, state) => [.. SiteDecider.Decide(new AssignSiteTariff(siteId, tariffId, validFrom, by, now), state, tariff)],
            http, writer, clock, cancellationToken);

    public static Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> PlaceAsync(
        string siteId, MembershipRequest request, HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken) =>
        Scope.AdmitAsync(siteId, request,
            (chargePointId, validFrom, site, by, now, state) => [.. MembershipDecider.Decide(new PlaceChargePointAtSite(chargePointId, siteId, validFrom, by, now), state, site)],
            http, writer, store, clock, cancellationToken);
}
