using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>A stream's folded state and the version it reflects (-1: the stream does not exist).</summary>
public readonly record struct VersionedState(long Version, object State);

/// <summary>The empty state and evolve function of each stream kind, chosen by the stream id's prefix.</summary>
public static class StreamStates
{
    public static object Empty(string streamId) => streamId switch
    {
        _ when streamId.StartsWith("transaction-", StringComparison.Ordinal) => TransactionState.Empty,
        _ when streamId.StartsWith("idtag-", StringComparison.Ordinal) => IdTagState.Unknown,
        _ when streamId.StartsWith("orphans-", StringComparison.Ordinal) => OrphanState.Empty,
        _ => ChargePointState.Empty, // chargepoint-{cid} and rejected-unroutable
    };

    public static object Evolve(object state, object @event) => state switch
    {
        ChargePointState s => ChargePointState.Evolve(s, @event),
        TransactionState s => TransactionState.Evolve(s, @event),
        IdTagState s => IdTagState.Evolve(s, @event),
        OrphanState s => OrphanState.Evolve(s, @event),
        _ => state,
    };

    public static string ForEvent(object @event) =>
        StreamIds.For(@event) ?? throw new ArgumentException($"{@event.GetType().Name} belongs to no stream.", nameof(@event));
}
