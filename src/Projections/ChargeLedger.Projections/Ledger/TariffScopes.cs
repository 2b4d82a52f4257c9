using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Every tariff assignment (per charge point, group and site) and every charge point's site and group membership, in
/// log order with their positions, so a session's tariff is resolved as it all stood at the session's start.
/// </summary>
internal sealed class TariffScopes
{
    private readonly Dictionary<string, List<TariffAssigned>> chargePoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<GroupTariffAssigned>> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SiteTariffAssigned>> sites = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MembershipState> memberships = new(StringComparer.Ordinal);

    // Events are records: equal content means the same event (the store keeps each once per stream).
    private readonly Dictionary<object, long> positions = [];

    /// <summary>The stored types this holds: the ledger keeps them with the tariff events.</summary>
    public static bool Holds(Type type) =>
        type == typeof(TariffAssigned) || type == typeof(GroupTariffAssigned) || type == typeof(SiteTariffAssigned) || typeof(IMembershipEvent).IsAssignableFrom(type);

    /// <summary>
    /// The id kept beside the stored event: the assigned tariff, or the charge point of a membership (so a batch reads
    /// only the memberships of the charge points it prices).
    /// </summary>
    public static string Key(object domainEvent) => domainEvent switch
    {
        ITariffAssignment e => e.TariffId,
        IMembershipEvent e => e.ChargePointId,
        _ => throw new ArgumentException($"{domainEvent.GetType().Name} is not an assignment or membership", nameof(domainEvent)),
    };

    /// <summary>
    /// The stopped sessions an assignment or membership can re-price: those starting at or after its validity start, of
    /// its charge point, or of the members of its group or site. Null for other events.
    /// </summary>
    public static TariffReach? ReachOf(object domainEvent) => domainEvent switch
    {
        TariffAssigned e => new TariffReach(e.ValidFrom, e.ChargePointId, null, null),
        IMembershipEvent e => new TariffReach(e.ValidFrom, e.ChargePointId, null, null),
        GroupTariffAssigned e => new TariffReach(e.ValidFrom, null, e.GroupId, null),
        SiteTariffAssigned e => new TariffReach(e.ValidFrom, null, null, e.SiteId),
        _ => null,
    };

    /// <summary>False for events that are not assignments or memberships.</summary>
    public bool Add(object domainEvent, long position)
    {
        switch (domainEvent)
        {
            case TariffAssigned e:
                Append(chargePoints, e.ChargePointId, e);
                break;
            case GroupTariffAssigned e:
                Append(groups, e.GroupId, e);
                break;
            case SiteTariffAssigned e:
                Append(sites, e.SiteId, e);
                break;
            case IMembershipEvent e:
                memberships[e.ChargePointId] = MembershipState.Evolve(memberships.GetValueOrDefault(e.ChargePointId) ?? MembershipState.Initial, e);
                break;
            default:
                return false;
        }
        positions[domainEvent] = position;
        return true;
    }

    /// <summary>The tariff assigned to a session (null: none, the default rule applies) and the positions of the facts that chose it.</summary>
    public (string? TariffId, IReadOnlyList<long> Sources) Resolve(string chargePointId, Instant sessionStart)
    {
        var resolved = TariffResolution.Resolve(chargePointId,
            chargePoints.GetValueOrDefault(chargePointId) ?? [],
            memberships.GetValueOrDefault(chargePointId) ?? MembershipState.Initial,
            groupId => groups.GetValueOrDefault(groupId) ?? [],
            siteId => sites.GetValueOrDefault(siteId) ?? [],
            sessionStart);
        if (resolved is null)
            return (null, []);
        return resolved.Membership is { } membership
            ? (resolved.Assignment.TariffId, [positions[resolved.Assignment], positions[membership]])
            : (resolved.Assignment.TariffId, [positions[resolved.Assignment]]);
    }

    private static void Append<T>(Dictionary<string, List<T>> byScope, string scopeId, T assignment)
    {
        if (!byScope.TryGetValue(scopeId, out var list))
        {
            list = [];
            byScope.Add(scopeId, list);
        }
        list.Add(assignment);
    }
}

/// <summary>Sessions from <paramref name="From"/> on, of one charge point, or of a group's or a site's members (exactly one is set).</summary>
internal readonly record struct TariffReach(Instant From, string? ChargePointId, string? GroupId, string? SiteId);
