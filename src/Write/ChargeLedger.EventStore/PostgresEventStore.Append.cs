using System.Data;
using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.EventStore;

public sealed partial class PostgresEventStore
{
    // Advisory lock class for stream locks (two-key form, so it never collides with single-key locks).
    private const int StreamLockClass = 0x434C_5354; // "CLST"

    // From this many rows on, COPY's cheaper per-row work outweighs its two extra round trips (measured with eng/bench eventstore).
    private const int CopyThreshold = 64;

    private const string CopyEvents = "COPY events (stream_id, stream_version, event_id, type, data, metadata, hash) FROM STDIN (FORMAT BINARY)";

    public async Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken)
    {
        var outcomes = await AppendManyAsync([unit], cancellationToken).ConfigureAwait(false);
        return outcomes[0] switch
        {
            AppendOutcome.Committed committed => committed.Streams,
            AppendOutcome.Conflict conflict => throw conflict.Error,
            AppendOutcome.Rejected rejected => throw rejected.Error,
            _ => throw new UnreachableException(),
        };
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken)
    {
        var outcomes = new AppendOutcome[units.Count];
        var preparation = new Preparation(this, units, outcomes);
        try
        {
            if (units.Sum(u => u.Streams.Sum(s => s.Events.Count)) >= CopyThreshold)
            {
                await CommitLargeAsync(preparation, outcomes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var prepared = preparation.All(parallel: false);
                if (prepared.Count > 0)
                {
                    await CommitSmallAsync(prepared, outcomes, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (NpgsqlException e)
        {
            throw new EventStoreUnavailableException(
                $"Appending {units.Count} unit(s) failed: {e.Message}. The transaction was rolled back unless only its acknowledgment was lost; retrying the same units is safe.", e);
        }
        return outcomes;
    }

    /// <summary>
    /// One round trip when the cached stream heads are current: BEGIN, the stream locks, the insert, the stream
    /// heads, COMMIT and NOTIFY in one batch. If a head was stale (or an event id is already stored) the insert
    /// hits a unique constraint, that attempt rolls back, and the commit is redone on the locked path.
    /// The transaction is managed in SQL so COMMIT can ride in the batch.
    /// </summary>
    private async Task CommitSmallAsync(List<PreparedUnit> units, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await TryCommitWithCachedHeadsAsync(connection, units, outcomes, cancellationToken).ConfigureAwait(false))
            {
                await CommitLockedAsync(connection, units, outcomes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The locked path, on a connection with no transaction: BEGIN, the stream locks, the heads and the stored event
    /// ids in one round trip; every unit decided against them in memory; then written and committed.
    /// </summary>
    private async Task CommitLockedAsync(NpgsqlConnection connection, List<PreparedUnit> units, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var state = await LockAndReadAsync(connection, units, cancellationToken).ConfigureAwait(false);
        var plans = Plan(units, state, outcomes);
        await WriteAndCommitAsync(connection, state, lockFirst: null, cancellationToken).ConfigureAwait(false);
        Complete(plans, state, outcomes);
    }

    /// <summary>Commits in one round trip if every unit is accepted against the cached heads and none hits a stored row.</summary>
    private async Task<bool> TryCommitWithCachedHeadsAsync(
        NpgsqlConnection connection, List<PreparedUnit> units, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var state = new AppendState();
        var streamIds = StreamIds(units);
        foreach (var streamId in streamIds)
        {
            if (heads.TryGet(streamId, out var head))
            {
                state.Heads[streamId] = head;
            }
        }
        // A unit refused against a cached head may be fine against the real one: only the locked path decides that.
        var plans = Plan(units, state, new AppendOutcome[outcomes.Length]);
        if (plans.Count != units.Count)
        {
            return false;
        }
        try
        {
            await WriteAndCommitAsync(connection, state, lockFirst: streamIds, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (IsStaleHead(e))
        {
            await ForgetAsync(connection, state).ConfigureAwait(false);
            return false;
        }
        Complete(plans, state, outcomes);
        return true;
    }

    /// <summary>A cached head was stale, or an event id is already stored: the row collided with a committed one.</summary>
    private static bool IsStaleHead(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName is "events_stream_version_key" or "events_stream_event_id_key";

    /// <summary>Rolls back an attempt that collided with committed rows and drops the cached heads it relied on.</summary>
    private async Task ForgetAsync(NpgsqlConnection connection, AppendState state)
    {
        await RollBackQuietlyAsync(connection).ConfigureAwait(false);
        foreach (var streamId in state.Heads.Keys)
        {
            heads.Forget(streamId);
        }
    }

    private void Complete(List<(int Index, List<PlannedStream> Streams)> plans, AppendState state, AppendOutcome[] outcomes)
    {
        heads.Remember(state.Heads);
        foreach (var (index, streams) in plans)
        {
            outcomes[index] = new AppendOutcome.Committed(streams.Select(state.Result).ToList());
        }
    }

    /// <summary>Writes the accepted rows (if any) and commits; <see cref="BeforeCommit"/> makes the commit a round trip of its own.</summary>
    private async Task WriteAndCommitAsync(NpgsqlConnection connection, AppendState state, string[]? lockFirst, CancellationToken cancellationToken)
    {
        if (state.Rows.Count == 0)
        {
            await using var commit = new NpgsqlBatch(connection);
            commit.BatchCommands.Add(Command("COMMIT"));
            await commit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteAsync(connection, state, lockFirst, commit: BeforeCommit is null, cancellationToken).ConfigureAwait(false);
        await CommitAfterHookAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the test hook is set, the writes went without COMMIT: runs it, then commits and notifies.</summary>
    private async Task CommitAfterHookAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (BeforeCommit is not { } hook)
        {
            return;
        }
        await hook(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        AddCommitAndNotify(batch);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// NOTIFY goes after COMMIT, in its own tiny transaction: a transaction that notifies holds a database-wide
    /// lock until its commit is flushed, which would serialize concurrent group commits. Readers lose nothing:
    /// the signal is only a wake-up hint, sent once the events are visible. A notifying transaction is given a
    /// transaction id, so its commit would wait for a second WAL flush; it commits asynchronously instead
    /// (the events' own commit before it is durable; readers re-read, so a notification lost in a crash costs nothing).
    /// </summary>
    private static void AddCommitAndNotify(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(Command("COMMIT"));
        batch.BatchCommands.Add(Command($"SELECT pg_notify('{NotificationChannel}', ''), set_config('synchronous_commit', 'off', true)"));
    }

    /// <summary>Leaves nothing half-done on a pooled connection; a broken connection has rolled back by itself.</summary>
    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>Takes the stream locks in one deterministic order, then reads the stream heads and any already-stored event ids.</summary>
    private static async Task<AppendState> LockAndReadAsync(NpgsqlConnection connection, List<PreparedUnit> units, CancellationToken cancellationToken)
    {
        var streamIds = StreamIds(units);
        var keyStreams = new List<string>();
        var keyIds = new List<Guid>();
        foreach (var stream in units.SelectMany(u => u.Streams))
        {
            foreach (var e in stream.Events)
            {
                keyStreams.Add(stream.StreamId);
                keyIds.Add(e.EventId);
            }
        }
        var state = new AppendState();
        await using var batch = new NpgsqlBatch(connection);
        AddBeginAndLocks(batch, streamIds);
        batch.BatchCommands.Add(Command("SELECT stream_id, version, last_hash FROM streams WHERE stream_id = ANY($1)", Param(streamIds)));
        batch.BatchCommands.Add(Command(
            "SELECT stream_id, event_id, e.stream_version, e.position FROM unnest($1::text[], $2::uuid[]) AS k(stream_id, event_id) JOIN events AS e USING (stream_id, event_id)",
            Param(keyStreams.ToArray()), Param(keyIds.ToArray())));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state.Heads[reader.GetString(0)] = new StreamHead(reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
        }
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state.Stored[(reader.GetString(0), reader.GetGuid(1))] = new StoredEvent(reader.GetInt64(2), reader.GetInt64(3));
        }
        return state;
    }

    private static string[] StreamIds(List<PreparedUnit> units) =>
        units.SelectMany(u => u.Streams).Select(s => s.StreamId).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Stream locks are transaction advisory locks, taken in one sorted order so group commits never deadlock.</summary>
    private static void AddBeginAndLocks(NpgsqlBatch batch, string[] streamIds)
    {
        batch.BatchCommands.Add(Command("BEGIN ISOLATION LEVEL READ COMMITTED"));
        batch.BatchCommands.Add(Command(
            // One result row, not one per lock: the aggregate takes them in its input's (sorted) order.
            $"SELECT count(pg_advisory_xact_lock({StreamLockClass}, k)) FROM (SELECT DISTINCT hashtext(s) AS k FROM unnest($1::text[]) AS s ORDER BY 1) AS keys",
            Param(streamIds)));
    }

    /// <summary>
    /// Decides every unit against the heads in <paramref name="state"/>, in order: replays, conflicts and rejections
    /// are settled here, before any position is drawn; accepted units get their versions and hashes and become rows.
    /// </summary>
    private static List<(int Index, List<PlannedStream> Streams)> Plan(List<PreparedUnit> units, AppendState state, AppendOutcome[] outcomes)
    {
        var plans = new List<(int, List<PlannedStream>)>();
        foreach (var unit in units)
        {
            if (PlanUnit(unit, state) is { } planned)
            {
                plans.Add((unit.Index, planned));
            }
            else
            {
                outcomes[unit.Index] = Refusal(unit, state);
            }
        }
        return plans;
    }

    /// <summary>The unit's streams if it is accepted (and its rows added to the state), null if it is refused.</summary>
    private static List<PlannedStream>? PlanUnit(PreparedUnit unit, AppendState state)
    {
        var planned = new List<PlannedStream>(unit.Streams.Length);
        foreach (var stream in unit.Streams)
        {
            switch (Decide(stream, state))
            {
                case null:
                    planned.Add(new PlannedStream(stream, Replay: false));
                    break;
                case Decision.Replay:
                    planned.Add(new PlannedStream(stream, Replay: true));
                    break;
                default:
                    return null;
            }
        }
        foreach (var stream in planned)
        {
            if (!stream.Replay)
            {
                state.Add(stream.Stream);
            }
        }
        return planned;
    }

    private enum Decision
    {
        Replay,
        Refused,
    }

    /// <summary>Null when the stream's events can be appended, else whether they are a replay or refused.</summary>
    private static Decision? Decide(PreparedStream stream, AppendState state)
    {
        var known = Known(stream, state);
        if (known == stream.Events.Length)
        {
            return Decision.Replay;
        }
        return known > 0 || !Satisfies(stream.Expected, Current(stream, state)) ? Decision.Refused : null;
    }

    /// <summary>Why a unit <see cref="PlanUnit"/> refused was refused: its first refused stream.</summary>
    private static AppendOutcome Refusal(PreparedUnit unit, AppendState state)
    {
        var stream = unit.Streams.First(s => Decide(s, state) == Decision.Refused);
        var known = Known(stream, state);
        return known > 0
            ? new AppendOutcome.Rejected(new InvalidEventException(
                $"Stream '{stream.StreamId}': {known} of {stream.Events.Length} event ids are already stored; a retry must repeat the original append exactly."))
            : new AppendOutcome.Conflict(new WrongExpectedVersionException(stream.StreamId, stream.Expected, Current(stream, state)));
    }

    private static int Known(PreparedStream stream, AppendState state)
    {
        var known = 0;
        foreach (var e in stream.Events)
        {
            if (state.IsKnown(stream.StreamId, e.EventId))
            {
                known++;
            }
        }
        return known;
    }

    private static long Current(PreparedStream stream, AppendState state) =>
        state.Heads.TryGetValue(stream.StreamId, out var head) ? head.Version : -1;

    private static bool Satisfies(ExpectedVersion expected, long current) =>
        expected == ExpectedVersion.Any || expected.Value == current;

    /// <summary>
    /// Writes the accepted rows and the stream heads, and commits and sends the wake-up NOTIFY when asked. Small
    /// group commits insert from arrays in one round trip; large ones stream the rows with binary COPY (less work
    /// for the server per row) and read the positions back by transaction id, in three round trips.
    /// </summary>
    private static Task WriteAsync(NpgsqlConnection connection, AppendState state, string[]? lockFirst, bool commit, CancellationToken cancellationToken) =>
        state.Rows.Count >= CopyThreshold
            ? CopyAsync(connection, state, lockFirst, commit, cancellationToken)
            : InsertAsync(connection, state, lockFirst, commit, cancellationToken);

    private static async Task InsertAsync(NpgsqlConnection connection, AppendState state, string[]? lockFirst, bool commit, CancellationToken cancellationToken)
    {
        var rows = state.Rows;
        var streamIds = new string[rows.Count];
        var versions = new long[rows.Count];
        var eventIds = new Guid[rows.Count];
        var types = new string[rows.Count];
        var data = new string[rows.Count];
        var metadata = new string[rows.Count];
        var hashes = new byte[rows.Count][];
        var byVersion = new Dictionary<(string, long), Row>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            (streamIds[i], versions[i], eventIds[i], types[i], hashes[i]) = (row.StreamId, row.Version, row.Event.EventId, row.Event.Type, row.Hash);
            data[i] = Encoding.UTF8.GetString(row.Event.Data.Span);
            metadata[i] = Encoding.UTF8.GetString(row.Event.Metadata);
            byVersion[(row.StreamId, row.Version)] = row;
        }
        await using var batch = new NpgsqlBatch(connection);
        if (lockFirst is not null)
        {
            AddBeginAndLocks(batch, lockFirst);
        }
        batch.BatchCommands.Add(Command("""
            INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, hash)
            SELECT s, v, i, t, d::json, m::json, h FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bytea[]) AS r(s, v, i, t, d, m, h)
            RETURNING stream_id, stream_version, position
            """,
            Param(streamIds), Param(versions), Param(eventIds), Param(types), Param(data), Param(metadata), Param(hashes)));
        AddHeads(batch, state);
        if (commit)
        {
            AddCommitAndNotify(batch);
        }
        // A small commit is the same few statements every time: prepared, the server skips parsing and planning
        // them (small commits measured ~1.4x faster). Npgsql keeps prepared statements on the pooled connection,
        // so this costs a round trip only the first time a connection sees them.
        await batch.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (lockFirst is not null)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            byVersion[(reader.GetString(0), reader.GetInt64(1))].Position = reader.GetInt64(2);
        }
        await DrainAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, AppendState state, string[]? lockFirst, bool commit, CancellationToken cancellationToken)
    {
        if (lockFirst is not null)
        {
            await using var begin = new NpgsqlBatch(connection);
            AddBeginAndLocks(begin, lockFirst);
            await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(CopyEvents, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in state.Rows)
            {
                await WriteRowAsync(copy, row, cancellationToken).ConfigureAwait(false);
            }
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        await FinishCopyAsync(connection, state, commit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON columns go as the UTF-8 bytes they are (binary json is the text itself): no string round trip.</summary>
    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, Row row, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.StreamId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Event.EventId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Event.Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Event.Data, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Event.Metadata, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(row.Hash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a COPY: reads the positions back, writes the stream heads, and commits and notifies when asked.</summary>
    private static async Task FinishCopyAsync(NpgsqlConnection connection, AppendState state, bool commit, CancellationToken cancellationToken)
    {
        var rows = state.Rows;
        await using var batch = new NpgsqlBatch(connection);
        // COPY draws positions from the identity sequence in row order, and a session's draws only grow. One array
        // row instead of a row per event: less for both sides to send and read.
        batch.BatchCommands.Add(Command("SELECT array_agg(position ORDER BY position) FROM events WHERE transaction_id = pg_current_xact_id()"));
        AddHeads(batch, state);
        if (commit)
        {
            AddCommitAndNotify(batch);
        }
        // The same statements every time: prepared once per pooled connection, the server skips parsing and planning them.
        await batch.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var positions = reader.IsDBNull(0) ? [] : reader.GetFieldValue<long[]>(0);
        if (positions.Length != rows.Count)
        {
            throw new InvalidOperationException($"COPY stored {positions.Length} of {rows.Count} rows.");
        }
        for (var i = 0; i < positions.Length; i++)
        {
            rows[i].Position = positions[i];
        }
        await DrainAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static void AddHeads(NpgsqlBatch batch, AppendState state)
    {
        var heads = state.Touched.Order(StringComparer.Ordinal).ToArray();
        batch.BatchCommands.Add(Command("""
            INSERT INTO streams (stream_id, version, last_hash)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash, updated_at = now()
            """,
            Param(heads),
            Param(heads.Select(h => state.Heads[h].Version).ToArray()),
            Param(heads.Select(h => state.Heads[h].Hash).ToArray())));
    }

    /// <summary>Reads past the remaining results, so an error in a later statement (the COMMIT included) surfaces here.</summary>
    private static async Task DrainAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Param<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };
}
