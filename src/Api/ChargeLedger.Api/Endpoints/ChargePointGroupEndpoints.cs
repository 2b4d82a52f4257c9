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
/// Named charge point groups across sites (stream <c>chargepointgroup-{groupId}</c>, e.g. "motorway-hpc"), with tariff
/// assignments that win over the site's and lose to the charge point's own. A charge point is in at most one group at
/// a time (its membership stream <c>membership-{chargePointId}</c>). Nothing is edited.
/// </summary>
public static class ChargePointGroupEndpoints
{
    private const string Route = "/charge-point-groups/{groupId}";

    public static IEndpointRouteBuilder MapChargePointGroupEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/charge-point-groups", RegisterAsync).WithTags("Billing").WithName("RegisterChargePointGroup")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Registers a named charge point group; registering it again with the same name changes nothing.");
        app.MapGet(Route, GetAsync).WithTags("Billing").WithName("ChargePointGroup")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor))
            .WithSummary("A charge point group with its tariff assignments in the order made.");
        app.MapPost(Route + "/tariff-assignments", AssignAsync).WithTags("Billing").WithName("AssignGroupTariff")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Assigns a published tariff to a group from a validity start; it wins over site assignments, charge point assignments win over it.");
        app.MapPost(Route + "/charge-points", AddAsync).WithTags("Billing").WithName("AddChargePointToGroup")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Puts a charge point in the group from a validity start (taking it out of its previous group then).");
        app.MapPost(Route + "/departures", RemoveAsync).WithTags("Billing").WithName("RemoveChargePointFromGroup")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Takes a charge point out of the group from a validity start; it is then in no group.");
        return app;
    }

    public static async Task<Results<Created<ChargePointGroupView>, Ok<ChargePointGroupView>>> RegisterAsync(
        RegisterChargePointGroupRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var groupId = ApiInput.Required(request.GroupId, "groupId");
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.ChargePointGroup(groupId), ChargePointGroupState.Fold,
            state => [.. ChargePointGroupDecider.Decide(new RegisterChargePointGroup(groupId, request.Name, CommandMetadata.Caller(http), now), state)],
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = View(await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false))! with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0 ? TypedResults.Created(GroupLocation(groupId), view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ChargePointGroupView>, ProblemHttpResult>> GetAsync(string groupId, CommandWriter writer, CancellationToken cancellationToken) =>
        View(await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false)) is { } view
            ? TypedResults.Ok(view)
            : UnknownGroup(groupId);

    public static async Task<Results<Created<ChargePointGroupView>, Ok<ChargePointGroupView>, ProblemHttpResult>> AssignAsync(
        string groupId, AssignTariffRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var tariffId = ApiInput.Required(request.TariffId, "tariffId");
        var validFrom = ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value;
        if ((await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false)).Registration is null)
        {
            return UnknownGroup(groupId);
        }
        if (await TariffScopeLookups.TariffAsync(writer, tariffId, cancellationToken).ConfigureAwait(false) is not { } tariff)
        {
            return ApiProblems.NotFound("tariffId", $"There is no tariff '{tariffId}'.");
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.ChargePointGroup(groupId), ChargePointGroupState.Fold,
            state => [.. ChargePointGroupDecider.Decide(new AssignGroupTariff(groupId, tariffId, validFrom, CommandMetadata.Caller(http), now), state, tariff)],
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = View(await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false))! with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0 ? TypedResults.Created(GroupLocation(groupId), view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> AddAsync(
        string groupId, MembershipRequest request, HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken)
    {
        var chargePointId = ApiInput.Required(request.ChargePointId, "chargePointId");
        var validFrom = ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value;
        var group = await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false);
        if (group.Registration is null)
        {
            return UnknownGroup(groupId);
        }
        if (!await TariffScopeLookups.ChargePointExistsAsync(store, chargePointId, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("chargePointId", $"There is no charge point '{chargePointId}'.");
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Membership(chargePointId), MembershipState.Fold,
            state => [.. MembershipDecider.Decide(new AddChargePointToGroup(chargePointId, groupId, validFrom, CommandMetadata.Caller(http), now), state, group)],
            CommandMetadata.For(http, now, chargePointId), cancellationToken).ConfigureAwait(false);
        return await MembershipEndpoints.WrittenAsync(chargePointId, write, writer, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> RemoveAsync(
        string groupId, MembershipRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var chargePointId = ApiInput.Required(request.ChargePointId, "chargePointId");
        var validFrom = ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value;
        if ((await TariffScopeLookups.GroupAsync(writer, groupId, cancellationToken).ConfigureAwait(false)).Registration is null)
        {
            return UnknownGroup(groupId);
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Membership(chargePointId), MembershipState.Fold,
            state => [.. MembershipDecider.Decide(new RemoveChargePointFromGroup(chargePointId, groupId, validFrom, CommandMetadata.Caller(http), now), state)],
            CommandMetadata.For(http, now, chargePointId), cancellationToken).ConfigureAwait(false);
        return await MembershipEndpoints.WrittenAsync(chargePointId, write, writer, cancellationToken).ConfigureAwait(false);
    }

    private static ProblemHttpResult UnknownGroup(string groupId) => ApiProblems.NotFound("groupId", $"There is no charge point group '{groupId}'.");

    private static string GroupLocation(string groupId) => "/charge-point-groups/" + Uri.EscapeDataString(groupId);

    private static ChargePointGroupView? View(ChargePointGroupState state) => state.Registration is { } group
        ? new ChargePointGroupView(group.GroupId, group.Name, group.RegisteredBy, group.ReceivedAt, TariffScopeLookups.Views(state.Assignments))
        : null;
}
