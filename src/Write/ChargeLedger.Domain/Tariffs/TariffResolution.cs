using ChargeLedger.Domain.Sites;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

public enum TariffScope
{
    ChargePoint,
    Group,
    Site,
}

/// <summary>The assignment that prices a session, its scope, and the membership that put the charge point in that scope (null for its own assignment).</summary>
public sealed record ResolvedAssignment(TariffScope Scope, string ScopeId, ITariffAssignment Assignment, IMembershipEvent? Membership);

/// <summary>
/// Which assignment prices a session, everything as it stood at the session's start: the charge point's own assignment,
/// else its group's, else its site's (group and site being the ones the charge point was in at the start, and their
/// assignments the ones valid then). Null when none applies: the caller then falls back to the default tariff.
/// </summary>
public static class TariffResolution
{
    public static ResolvedAssignment? Resolve(
        string chargePointId,
        IReadOnlyList<TariffAssigned> chargePointAssignments,
        MembershipState membership,
        Func<string, IReadOnlyList<GroupTariffAssigned>> groupAssignments,
        Func<string, IReadOnlyList<SiteTariffAssigned>> siteAssignments,
        Instant sessionStart)
    {
        if (TariffAssignmentRules.At(chargePointAssignments, sessionStart) is { } own)
            return new ResolvedAssignment(TariffScope.ChargePoint, chargePointId, own, null);
        if (membership.GroupAt(sessionStart) is { } group && TariffAssignmentRules.At(groupAssignments(group.GroupId), sessionStart) is { } byGroup)
            return new ResolvedAssignment(TariffScope.Group, group.GroupId, byGroup, group);
        if (membership.SiteAt(sessionStart) is { } site && TariffAssignmentRules.At(siteAssignments(site.SiteId), sessionStart) is { } bySite)
            return new ResolvedAssignment(TariffScope.Site, site.SiteId, bySite, site);
        return null;
    }
}
