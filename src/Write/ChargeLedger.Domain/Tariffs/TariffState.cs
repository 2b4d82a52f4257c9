using System.Collections.Immutable;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>All versions of one tariff in validity order, plus its withdrawal if any.</summary>
public sealed record TariffState(ImmutableList<TariffDefinition> Versions, Instant? WithdrawnFrom)
{
    public static readonly TariffState Initial = new([], null);

    public static TariffState Evolve(TariffState state, object @event) => @event switch
    {
        TariffPublished e => state with { Versions = state.Versions.Add(e.Tariff) },
        TariffWithdrawn e => state with { WithdrawnFrom = e.EffectiveFrom },
        _ => state,
    };

    public static TariffState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);

    public TariffDefinition? Latest => Versions.Count == 0 ? null : Versions[^1];

    /// <summary>The version that prices a session starting at <paramref name="sessionStart"/>: the latest one
    /// whose validity start is at or before it; null before the first version or once withdrawn.</summary>
    public TariffDefinition? VersionAt(Instant sessionStart) =>
        WithdrawnFrom is { } withdrawn && sessionStart >= withdrawn
            ? null
            : TariffSelection.ValidAt(Versions, sessionStart);
}

public static class TariffSelection
{
    /// <summary>The latest version whose <see cref="TariffDefinition.ValidFrom"/> ≤ <paramref name="sessionStart"/>.</summary>
    public static TariffDefinition? ValidAt(IEnumerable<TariffDefinition> versions, Instant sessionStart) =>
        versions.Where(v => v.ValidFrom <= sessionStart).MaxBy(v => v.ValidFrom);
}
