using System.Text;
using NodaTime;
using Npgsql;

namespace ChargeLedger.EventStore;

/// <summary>
/// The event store on PostgreSQL. Appends are group commits (<see cref="AppendManyAsync"/>); reads of the whole
/// log follow commit order, (transaction id, position), and never pass the oldest running transaction.
/// The caller owns the data source; dispose the store to stop its LISTEN connection.
/// </summary>
public sealed partial class PostgresEventStore : IEventStore, IAsyncDisposable
{
    /// <summary>The NOTIFY channel every committed append signals (once per transaction).</summary>
    public const string NotificationChannel = "chargeledger_events";

    private const string EventColumns =
        "position, transaction_id, stream_id, stream_version, event_id, type, data::text, metadata::text, recorded_at, hash";

    // The stored column is never null: null here means "not read".
    private const string EventColumnsWithoutMetadata =
        "position, transaction_id, stream_id, stream_version, event_id, type, data::text, NULL::text, recorded_at, hash";

    private readonly NpgsqlDataSource dataSource;
    private readonly EventStoreLimits limits;
    private readonly AppendSignal signal;
    private readonly StreamHeadCache heads = new(capacity: 100_000);
    private readonly bool parallelPreparation;

    /// <param name="parallelPreparation">
    /// Whether the units of a large group commit (64 events or more) are prepared (validated, canonicalized,
    /// serialized) on every core before their rows are written. Off, each unit is prepared on the calling thread just
    /// before its rows are streamed to the server, so preparation overlaps the server's insert work instead of
    /// competing for the cores with the caller's other work (the ingest pipeline).
    /// </param>
    public PostgresEventStore(NpgsqlDataSource dataSource, EventStoreLimits? limits = null, bool parallelPreparation = true)
    {
        this.dataSource = dataSource;
        this.limits = limits ?? EventStoreLimits.Default;
        this.parallelPreparation = parallelPreparation;
        signal = new AppendSignal(dataSource, NotificationChannel);
    }

    public EventStoreLimits Limits => limits;

    /// <summary>Runs inside the append transaction just before commit; tests use it to make commits late.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    public ValueTask DisposeAsync() => signal.DisposeAsync();

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {EventColumns} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = fromVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = maxCount });
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A stream as it stood at an instant: its events recorded at or before it, in version order.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsOfAsync(string streamId, Instant asOf, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {EventColumns} FROM events WHERE stream_id = $1 AND recorded_at <= $2 ORDER BY stream_version LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = asOf.ToDateTimeUtc() });
        command.Parameters.Add(new NpgsqlParameter { Value = maxCount });
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) =>
        ReadLogAsync(EventColumns, after, maxCount, cancellationToken);

    public Task<LogPage> ReadAllWithoutMetadataAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) =>
        ReadLogAsync(EventColumnsWithoutMetadata, after, maxCount, cancellationToken);

    private async Task<LogPage> ReadLogAsync(string columns, Checkpoint after, int maxCount, CancellationToken cancellationToken)
    {
        // One statement, one snapshot: everything below the oldest running transaction has committed or
        // aborted, so no event can later appear before the returned checkpoint.
        var signals = signal.Received;
        await using var command = dataSource.CreateCommand($"""
            SELECT {columns} FROM events
            WHERE (transaction_id, position) > ($1::xid8, $2)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY events.transaction_id, events.position
            LIMIT $3
            """);
        AddCheckpoint(command, after);
        command.Parameters.Add(new NpgsqlParameter { Value = maxCount });
        var events = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        return new LogPage(events, events.Count > 0 ? events[^1].Checkpoint : after, signals);
    }

    public async Task<LogPage> ReadAllOfTypesAsync(Checkpoint after, IReadOnlySet<string> types, int maxCount, CancellationToken cancellationToken)
    {
        var signals = signal.Received;
        // Every event up to the commit-safe head belongs to a transaction that has ended, so a later statement sees
        // exactly the same ones up to it: the page can end at the head even when the last of them is of another type.
        var head = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.CompareTo(after) <= 0)
        {
            return new LogPage([], after, signals);
        }
        await using var command = dataSource.CreateCommand($"""
            SELECT {EventColumns} FROM events
            WHERE (transaction_id, position) > ($1::xid8, $2) AND (transaction_id, position) <= ($3::xid8, $4) AND type = ANY($5)
            ORDER BY events.transaction_id, events.position
            LIMIT $6
            """);
        AddCheckpoint(command, after);
        AddCheckpoint(command, head);
        command.Parameters.Add(new NpgsqlParameter { Value = types.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = maxCount });
        var events = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        return new LogPage(events, events.Count == maxCount ? events[^1].Checkpoint : head, signals);
    }

    /// <summary>The checkpoint of the last event a reader can see now (commit-safe), or <see cref="Checkpoint.Start"/>.</summary>
    public async Task<Checkpoint> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT transaction_id, position FROM events
            WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY events.transaction_id DESC, events.position DESC
            LIMIT 1
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Checkpoint(reader.GetFieldValue<ulong>(0), reader.GetInt64(1))
            : Checkpoint.Start;
    }

    /// <summary>How many commit-safe events lie after a checkpoint: a consumer's lag.</summary>
    public async Task<long> CountEventsAfterAsync(Checkpoint after, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FROM events
            WHERE (transaction_id, position) > ($1::xid8, $2)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            """);
        AddCheckpoint(command, after);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>A checkpoint as two parameters, its transaction id as text (for <c>$n::xid8</c>) and its position.</summary>
    private static void AddCheckpoint(NpgsqlCommand command, Checkpoint checkpoint)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.TransactionId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Position });
    }

    public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        signal.WaitAsync(timeout, cancellationToken);

    public long AppendSignals => signal.Received;

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = reader.GetInt64(0);
            events.Add(new RecordedEvent(
                position,
                new Checkpoint(reader.GetFieldValue<ulong>(1), position),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetGuid(4),
                reader.GetString(5),
                reader.GetFieldValue<byte[]>(6),
                reader.IsDBNull(7) ? EventMetadata.Unread : MetadataJson.Deserialize(reader.GetFieldValue<byte[]>(7)),
                Instant.FromDateTimeUtc(reader.GetDateTime(8)),
                reader.GetFieldValue<byte[]>(9)));
        }
        return events;
    }
}
