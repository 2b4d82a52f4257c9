using NodaTime;

namespace ChargeLedger.EventStore;

// The event store's public contract. Writers (ingest, API commands) append; readers (projections,
// audit API) read a stream, or the whole log in commit-safe order from a checkpoint.

/// <summary>What the writer expects of a stream's version before its events are appended.</summary>
public readonly record struct ExpectedVersion(long Value)
{
    /// <summary>Append whatever the current version.</summary>
    public static ExpectedVersion Any { get; } = new(-2);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(-1);

    /// <summary>The stream's last event must have this version (the first event of a stream has version 0).</summary>
    public static ExpectedVersion Exact(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version));

    public override string ToString() => Value switch { -2 => "any", -1 => "no stream", _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>Where an event came from: kept with it forever, so an auditor can trace it to the exact message.</summary>
public sealed record EventMetadata(
    Guid? CorrelationId = null,
    Guid? CausationId = null,
    string? Source = null,
    string? Topic = null,
    string? ChargePointId = null,
    string? OcppMessageId = null,
    Instant? DeviceTime = null,
    Instant? ReceivedAt = null,
    string? Raw = null)
{
    /// <summary>Every field unknown: the metadata of an event read without it (<see cref="IEventStore.ReadAllWithoutMetadataAsync"/>).</summary>
    public static EventMetadata Unread { get; } = new();
}

/// <summary>An event to append. <paramref name="Data"/> is UTF-8 JSON, stored as given (json: the text, not re-encoded).</summary>
public sealed record EventData(Guid EventId, string Type, ReadOnlyMemory<byte> Data, EventMetadata Metadata);

/// <summary>Events for one stream with that stream's expectation.</summary>
public sealed record StreamAppend(string StreamId, ExpectedVersion Expected, IReadOnlyList<EventData> Events);

/// <summary>
/// An atomic unit: every stream append in it commits, or none does. Many units can go to the store in one
/// database transaction (group commit); a unit that fails its expectation fails alone.
/// </summary>
public sealed record AppendUnit(IReadOnlyList<StreamAppend> Streams)
{
    public AppendUnit(params StreamAppend[] streams) : this((IReadOnlyList<StreamAppend>)streams) { }
}

/// <summary>Where the log stands: a position that is safe to resume from (commit order, never skips).</summary>
public readonly record struct Checkpoint(ulong TransactionId, long Position) : IComparable<Checkpoint>
{
    public static Checkpoint Start { get; } = new(0, 0);

    public int CompareTo(Checkpoint other) =>
        TransactionId != other.TransactionId ? TransactionId.CompareTo(other.TransactionId) : Position.CompareTo(other.Position);

    public override string ToString() => $"{TransactionId}:{Position}";
}

/// <summary>The positions an append gave a stream's events (or, on an idempotent replay, had given them).</summary>
public sealed record StreamAppendResult(string StreamId, long FirstVersion, long LastVersion, long FirstPosition, long LastPosition, bool WasReplay);

/// <summary>The outcome of one unit of a group commit.</summary>
public abstract record AppendOutcome
{
    private AppendOutcome() { }

    public sealed record Committed(IReadOnlyList<StreamAppendResult> Streams) : AppendOutcome;

    public sealed record Conflict(WrongExpectedVersionException Error) : AppendOutcome;

    public sealed record Rejected(EventStoreException Error) : AppendOutcome;
}

/// <summary>A stored event.</summary>
public sealed record RecordedEvent(
    long Position,
    Checkpoint Checkpoint,
    string StreamId,
    long StreamVersion,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    EventMetadata Metadata,
    Instant RecordedAt,
    ReadOnlyMemory<byte> Hash);

/// <summary>A page of the whole log: the events and the checkpoint to resume after them.</summary>
/// <param name="SignalsBefore">
/// <see cref="IEventStore.AppendSignals"/> when the read began: a reader that started waiting at a higher count may
/// have missed the signal of an append this page does not hold, and must read again before it waits.
/// </param>
public sealed record LogPage(IReadOnlyList<RecordedEvent> Events, Checkpoint Next, long SignalsBefore = 0);

/// <summary>The result of re-walking a stream's hash chain.</summary>
public sealed record ChainVerification(string StreamId, long EventsChecked, bool Valid, long? FirstBrokenVersion, string? Reason);

public interface IEventStore
{
    /// <summary>Appends one atomic unit; throws <see cref="WrongExpectedVersionException"/> or another <see cref="EventStoreException"/>.</summary>
    Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken);

    /// <summary>Appends many units in one database transaction; each unit commits or fails on its own.</summary>
    Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken);

    /// <summary>A stream's events from a version on, in version order; empty if the stream does not exist.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken);

    /// <summary>The whole log after a checkpoint, in commit-safe order: never skips a late committer, never repeats.</summary>
    Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ReadAllAsync"/>, each event's metadata left out (<see cref="EventMetadata.Unread"/>): for a reader
    /// that never looks at it, it spares the server rendering and the client parsing more than half of every row.
    /// </summary>
    Task<LogPage> ReadAllWithoutMetadataAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) =>
        ReadAllAsync(after, maxCount, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAllAsync"/>, only the events of <paramref name="types"/>. <see cref="LogPage.Next"/> is the last
    /// event returned when <paramref name="maxCount"/> came back, otherwise the head the read looked up to: a follower of
    /// a few types never walks the same stretch of the log twice. This fallback filters pages of the whole log; a store
    /// that can select by type on its side does.
    /// </summary>
    async Task<LogPage> ReadAllOfTypesAsync(Checkpoint after, IReadOnlySet<string> types, int maxCount, CancellationToken cancellationToken)
    {
        var matched = new List<RecordedEvent>();
        while (true)
        {
            var page = await ReadAllAsync(after, maxCount, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page.Events.Where(e => types.Contains(e.Type)))
            {
                matched.Add(recorded);
                if (matched.Count == maxCount)
                {
                    return new LogPage(matched, recorded.Checkpoint, page.SignalsBefore);
                }
            }
            if (page.Events.Count < maxCount)
            {
                return new LogPage(matched, page.Next, page.SignalsBefore);
            }
            after = page.Next;
        }
    }

    /// <summary>Waits until events may have been appended after the call began (LISTEN/NOTIFY), or the timeout.</summary>
    Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// How many append signals this store has received so far. A wait begun when the count was N ends on every later
    /// signal; read it just after starting a wait and compare with <see cref="LogPage.SignalsBefore"/> of the pages
    /// read after it. A store without signals keeps it at zero.
    /// </summary>
    long AppendSignals => 0;

    /// <summary>Re-walks a stream's hash chain and reports the first broken link.</summary>
    Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken);
}

public class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class WrongExpectedVersionException(string streamId, ExpectedVersion expected, long actual)
    : EventStoreException($"Stream '{streamId}': expected version {expected}, actual {(actual < 0 ? "no stream" : actual.ToString(System.Globalization.CultureInfo.InvariantCulture))}.")
{
    public string StreamId { get; } = streamId;

    public ExpectedVersion Expected { get; } = expected;

    /// <summary>The stream's actual last version, -1 when it does not exist.</summary>
    public long Actual { get; } = actual;
}

public sealed class EventTooLargeException(string streamId, Guid eventId, int size, int limit)
    : EventStoreException($"Event {eventId} for stream '{streamId}' is {size} bytes; the limit is {limit}.");

public sealed class InvalidEventException(string reason) : EventStoreException(reason);
