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

    /// <summary>Groups as a place tariffs are assigned to and charge points join.</summary>
    internal static readonly TariffScopeEndpoint<ChargePointGroupState, ChargePointGroupView> Scope = new(
        "groupId", "charge point group", "/charge-point-groups/", StreamIds.ChargePointGroup, ChargePointGroupState.Fold, state => state.Registration is not null,
        (state, created) => state.Registration is { } group
            ? new ChargePointGroupView(group.GroupId, group.Name, group.RegisteredBy, group.ReceivedAt, TariffScopeLookups.Views(state.Assignments), created)
            : null);

    public static Task<Results<Created<ChargePointGroupView>, Ok<ChargePointGroupView>>> RegisterAsync(
        RegisterChargePointGroupRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var groupId = ApiInput.Required(request.GroupId, "groupId");
        return Scope.WriteAsync(groupId, (by, now, state) => [.. ChargePointGroupDecider.Decide(new RegisterChargePointGroup(groupId, request.Name, by, now), state)],
            http, writer, clock, cancellationToken);
    }

    public static Task<Results<Ok<ChargePointGroupView>, ProblemHttpResult>> GetAsync(string groupId, CommandWriter writer, CancellationToken cancellationToken) =>
        Scope.GetAsync(groupId, writer, cancellationToken);

    public static Task<Results<Created<ChargePointGroupView>, Ok<ChargePointGroupView>, ProblemHttpResult>> AssignAsync(
        string groupId, AssignTariffRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken) =>
        Scope.AssignAsync(groupId, request,
            (tariffId, validFrom, tariff, by, now, state) => [.. ChargePointGroupDecider.Decide(new AssignGroupTariff(groupId, tariffId, validFrom, by, now), state, tariff)],
            http, writer, clock, cancellationToken);

    public static Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> AddAsync(
        string groupId, MembershipRequest request, HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken) =>
        Scope.AdmitAsync(groupId, request,
            (chargePointId, validFrom, group, by, now, state) => [.. MembershipDecider.Decide(new AddChargePointToGroup(chargePointId, groupId, validFrom, by, now), state, group)],
            http, writer, store, clock, cancellationToken);

    public static async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> RemoveAsync(
        string groupId, MembershipRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var (chargePointId, validFrom) = TariffScopeLookups.Read(request);
        if ((await Scope.LoadAsync(writer, groupId, cancellationToken).ConfigureAwait(false)).Registration is null)
        {
            return Scope.Unknown(groupId);
        }
        return await MembershipEndpoints.DecideAsync(chargePointId,
            (by, now, state) => [.. MembershipDecider.Decide(new RemoveChargePointFromGroup(chargePointId, groupId, validFrom, by, now), state)],
            http, writer, clock, cancellationToken).ConfigureAwait(false);
    }
}
