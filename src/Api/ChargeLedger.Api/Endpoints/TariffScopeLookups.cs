using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>What tariff assignment and membership commands read and check before deciding: their input, the aggregates they check, read from their streams.</summary>
internal static class TariffScopeLookups
{
    public static async Task<bool> ChargePointExistsAsync(IEventStore store, string chargePointId, CancellationToken cancellationToken) =>
        (await store.ReadStreamAsync(StreamIds.ChargePoint(chargePointId), 0, 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <summary>The tariff's state, or null when it was never published.</summary>
    public static async Task<TariffState?> TariffAsync(CommandWriter writer, string tariffId, CancellationToken cancellationToken)
    {
        var (events, version) = await writer.LoadAsync(StreamIds.Tariff(tariffId), cancellationToken).ConfigureAwait(false);
        return version < 0 ? null : TariffState.Fold(events);
    }

    public static ProblemHttpResult UnknownTariff(string tariffId) => ApiProblems.NotFound("tariffId", $"There is no tariff '{tariffId}'.");

    public static (string TariffId, Instant ValidFrom) Read(AssignTariffRequest request) =>
        (ApiInput.Required(request.TariffId, "tariffId"), ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value);

    public static (string ChargePointId, Instant ValidFrom) Read(MembershipRequest request) =>
        (ApiInput.Required(request.ChargePointId, "chargePointId"), ApiInput.Instant(ApiInput.Required(request.ValidFrom, "validFrom"), "validFrom")!.Value);

    public static async Task<MembershipState> MembershipAsync(CommandWriter writer, string chargePointId, CancellationToken cancellationToken) =>
        MembershipState.Fold((await writer.LoadAsync(StreamIds.Membership(chargePointId), cancellationToken).ConfigureAwait(false)).Events);

    public static IReadOnlyList<ScopeAssignmentView> Views(IEnumerable<ITariffAssignment> assignments) =>
        [.. assignments.Select(a => new ScopeAssignmentView(a.TariffId, a.ValidFrom, a.AssignedBy, a.ReceivedAt))];

    public static MembershipsView View(string chargePointId, MembershipState state) => new(chargePointId,
        [.. state.Sites.Select(s => new SiteMembershipView(s.SiteId, s.ValidFrom, s.ChangedBy, s.ReceivedAt))],
        [.. state.Groups.Select(g => new GroupMembershipView(g.GroupId, g is ChargePointJoinedGroup ? "joined" : "left", g.ValidFrom, g.ChangedBy, g.ReceivedAt))]);
}
