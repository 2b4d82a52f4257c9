using System.Collections.Immutable;
using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Orphans;

/// <summary>Idempotency keys of one <c>orphans-{cid}</c> stream.</summary>
public sealed record OrphanState(
    ImmutableHashSet<(int ConnectorId, int TransactionId, SampleKey Sample)> SampleKeys,
    ImmutableHashSet<(int TransactionId, long MeterStop, Instant Timestamp)> StopKeys)
{
    public static readonly OrphanState Empty = new(
        ImmutableHashSet<(int, int, SampleKey)>.Empty,
        ImmutableHashSet<(int, long, Instant)>.Empty);

    public static OrphanState Fold(IEnumerable<object> events) => events.Aggregate(Empty, Evolve);

    public static OrphanState Evolve(OrphanState state, object @event) => @event switch
    {
        OrphanStopRecorded e => state with { StopKeys = state.StopKeys.Add((e.TransactionId, e.MeterStop, e.DeviceTime)) },
        OrphanMeterValuesRecorded e => state with { SampleKeys = state.SampleKeys.Union(e.Samples.Select(s => (e.ConnectorId, e.TransactionId, s.Key))) },
        _ => state,
    };
}
