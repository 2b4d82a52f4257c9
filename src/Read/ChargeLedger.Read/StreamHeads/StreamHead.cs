using NodaTime;

namespace ChargeLedger.Read.StreamHeads;

/// <summary>One stream of the event log as the stream-heads read model sees it.</summary>
public sealed record StreamHead(
    string StreamId,
    long EventCount,
    long LastVersion,
    long FirstPosition,
    long LastPosition,
    string LastEventType,
    Instant FirstRecordedAt,
    Instant LastRecordedAt);
