using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>
/// Events of the <c>membership-{chargePointId}</c> stream: where a charge point stands and which group it is in, each
/// from a validity start. A charge point is at one site and in at most one group at a time; a later event supersedes
/// an earlier one from its own start, none is edited.
/// </summary>
public interface IMembershipEvent : IDomainEvent
{
    string ChargePointId { get; }

    Instant ValidFrom { get; }

    string? ChangedBy { get; }
}

/// <summary>Markers of the group timeline (joined, left), as opposed to the site timeline.</summary>
public interface IGroupMembershipEvent : IMembershipEvent
{
    string GroupId { get; }
}

/// <summary>From <paramref name="ValidFrom"/> on, the charge point is at <paramref name="SiteId"/> (moved there if it was elsewhere).</summary>
public sealed record ChargePointPlacedAtSite(string ChargePointId, string SiteId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt) : IMembershipEvent;

/// <summary>From <paramref name="ValidFrom"/> on, the charge point is in <paramref name="GroupId"/> (and no longer in any other group).</summary>
public sealed record ChargePointJoinedGroup(string ChargePointId, string GroupId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt) : IGroupMembershipEvent;

/// <summary>From <paramref name="ValidFrom"/> on, the charge point is in no group.</summary>
public sealed record ChargePointLeftGroup(string ChargePointId, string GroupId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt) : IGroupMembershipEvent;
