using ChargeLedger.Domain.Billing;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>
/// Pure decider of a charge point's site and group membership. The site's or group's state is passed in so an
/// unregistered one is refused; whether the charge point exists is the caller's question (another aggregate).
/// A move to where the charge point already is, or a repeated command, records nothing.
/// </summary>
public static class MembershipDecider
{
    public static IReadOnlyList<IMembershipEvent> Decide(PlaceChargePointAtSite command, MembershipState state, SiteState site)
    {
        RequireChargePoint(command.ChargePointId);
        if (state.Sites.Any(e => e.SiteId == command.SiteId && e.ValidFrom == command.ValidFrom))
            return [];
        if (site.Registration is null)
            throw new CommandRejectedException("siteId", $"there is no site {command.SiteId}");
        var latest = state.Sites.Count == 0 ? null : state.Sites[^1];
        RequireLater(latest, command.ValidFrom);
        return latest?.SiteId == command.SiteId
            ? []
            : [new ChargePointPlacedAtSite(command.ChargePointId, command.SiteId, command.ValidFrom, command.ChangedBy, command.ReceivedAt)];
    }

    public static IReadOnlyList<IMembershipEvent> Decide(AddChargePointToGroup command, MembershipState state, ChargePointGroupState group)
    {
        RequireChargePoint(command.ChargePointId);
        if (state.Groups.Any(e => e is ChargePointJoinedGroup joined && joined.GroupId == command.GroupId && joined.ValidFrom == command.ValidFrom))
            return [];
        if (group.Registration is null)
            throw new CommandRejectedException("groupId", $"there is no group {command.GroupId}");
        var latest = state.Groups.Count == 0 ? null : state.Groups[^1];
        RequireLater(latest, command.ValidFrom);
        return latest is ChargePointJoinedGroup current && current.GroupId == command.GroupId
            ? []
            : [new ChargePointJoinedGroup(command.ChargePointId, command.GroupId, command.ValidFrom, command.ChangedBy, command.ReceivedAt)];
    }

    public static IReadOnlyList<IMembershipEvent> Decide(RemoveChargePointFromGroup command, MembershipState state)
    {
        RequireChargePoint(command.ChargePointId);
        if (state.Groups.Any(e => e is ChargePointLeftGroup left && left.GroupId == command.GroupId && left.ValidFrom == command.ValidFrom))
            return [];
        var latest = state.Groups.Count == 0 ? null : state.Groups[^1];
        if (latest is not ChargePointJoinedGroup current || current.GroupId != command.GroupId)
            throw new CommandRejectedException("groupId", $"charge point {command.ChargePointId} is not in group {command.GroupId}");
        RequireLater(latest, command.ValidFrom);
        return [new ChargePointLeftGroup(command.ChargePointId, command.GroupId, command.ValidFrom, command.ChangedBy, command.ReceivedAt)];
    }

    private static void RequireChargePoint(string chargePointId)
    {
        if (string.IsNullOrWhiteSpace(chargePointId))
            throw new CommandRejectedException("chargePointId", "is required");
    }

    private static void RequireLater(IMembershipEvent? latest, Instant validFrom)
    {
        if (latest is not null && validFrom <= latest.ValidFrom)
            throw new CommandRejectedException("validFrom",
                $"validity start {validFrom} must be after the latest change's start {latest.ValidFrom}; memberships are never edited");
    }
}
