namespace ChargeLedger.EventStore;

/// <summary>What one append may carry. Anything beyond is rejected before the database is touched.</summary>
public sealed record EventStoreLimits
{
    public static EventStoreLimits Default { get; } = new();

    /// <summary>Data plus serialized metadata of one event, in UTF-8 bytes.</summary>
    public int MaxEventBytes { get; init; } = 256 * 1024;

    /// <summary>Events in one <see cref="AppendUnit"/>, over all its streams.</summary>
    public int MaxEventsPerUnit { get; init; } = 5_000;

    /// <summary>Length of a stream id or an event type, in characters.</summary>
    public int MaxNameLength { get; init; } = 200;
}
