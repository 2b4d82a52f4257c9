using System.Collections.Immutable;

namespace ChargeLedger.Domain.Sites;

/// <summary>A group's registration (null before it) and its tariff assignments in the order made.</summary>
public sealed record ChargePointGroupState(ChargePointGroupRegistered? Registration, ImmutableList<GroupTariffAssigned> Assignments)
{
    public static readonly ChargePointGroupState Initial = new(null, []);

    public static ChargePointGroupState Evolve(ChargePointGroupState state, object @event) => @event switch
    {
        ChargePointGroupRegistered e => state with { Registration = e },
        GroupTariffAssigned e => state with { Assignments = state.Assignments.Add(e) },
        _ => state,
    };

    public static ChargePointGroupState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);
}
