using System.Collections.Immutable;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>All tariff assignments of one charge point, in the order they were made (validity starts strictly increasing).</summary>
public sealed record TariffAssignmentState(ImmutableList<TariffAssigned> Assignments)
{
    public static readonly TariffAssignmentState Initial = new([]);

    public static TariffAssignmentState Evolve(TariffAssignmentState state, object @event) => @event switch
    {
        TariffAssigned e => state with { Assignments = state.Assignments.Add(e) },
        _ => state,
    };

    public static TariffAssignmentState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);

    /// <summary>The tariff assigned for a session starting at <paramref name="sessionStart"/>: the assignment with the latest validity start at or before it.</summary>
    public string? TariffAt(Instant sessionStart) => TariffAssignmentRules.At(Assignments, sessionStart)?.TariffId;
}
