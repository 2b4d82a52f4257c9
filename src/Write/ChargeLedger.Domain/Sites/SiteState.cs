using System.Collections.Immutable;

namespace ChargeLedger.Domain.Sites;

/// <summary>A site's registration (null before it) and its tariff assignments in the order made.</summary>
public sealed record SiteState(SiteRegistered? Registration, ImmutableList<SiteTariffAssigned> Assignments)
{
    public static readonly SiteState Initial = new(null, []);

    public static SiteState Evolve(SiteState state, object @event) => @event switch
    {
        SiteRegistered e => state with { Registration = e },
        SiteTariffAssigned e => state with { Assignments = state.Assignments.Add(e) },
        _ => state,
    };

    public static SiteState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);
}
