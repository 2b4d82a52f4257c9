using ChargeLedger.EventStore;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>What one charge point's messages of a batch decided: one atomic unit (or nothing to append), replies and final states.</summary>
internal sealed record GroupPlan(
    IReadOnlyList<Delivery> Items,
    AppendUnit? Unit,
    IReadOnlyList<byte[]?> Replies,
    IReadOnlyList<int> EventCounts,
    IReadOnlyDictionary<string, VersionedState> Finals);
