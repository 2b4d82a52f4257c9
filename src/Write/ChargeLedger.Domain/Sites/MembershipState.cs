using System.Collections.Immutable;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>A charge point's site timeline and group timeline, each in the order made (validity starts strictly increasing).</summary>
public sealed record MembershipState(ImmutableList<ChargePointPlacedAtSite> Sites, ImmutableList<IGroupMembershipEvent> Groups)
{
    public static readonly MembershipState Initial = new([], []);

    public static MembershipState Evolve(MembershipState state, object @event) => @event switch
    {
        ChargePointPlacedAtSite e => state with { Sites = state.Sites.Add(e) },
        IGroupMembershipEvent e => state with { Groups = state.Groups.Add(e) },
        _ => state,
    };

    public static MembershipState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);

    /// <summary>The placement in force at <paramref name="at"/>; null when the charge point was at no site yet.</summary>
    public ChargePointPlacedAtSite? SiteAt(Instant at) => Latest(Sites, at);

    /// <summary>The group joined in force at <paramref name="at"/>; null when in no group then (never joined, or left).</summary>
    public ChargePointJoinedGroup? GroupAt(Instant at) => Latest(Groups, at) as ChargePointJoinedGroup;

    private static T? Latest<T>(ImmutableList<T> timeline, Instant at) where T : class, IMembershipEvent =>
        timeline.Where(e => e.ValidFrom <= at).MaxBy(e => e.ValidFrom);
}
