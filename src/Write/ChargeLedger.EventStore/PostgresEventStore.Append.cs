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

    // Below this many units (to prepare) or rows (to hash), handing work to other threads costs more than it saves.
    private const int ParallelThreshold = 64;

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
        // A large commit's BEGIN and stream locks travel to the server while its units are prepared here.
        var opening = units.Sum(u => u.Streams.Sum(s => s.Events.Count)) >= CopyThreshold ? OpenAndLockAsync(units, cancellationToken) : null;
        List<PreparedUnit> prepared;
        try
        {
            prepared = PrepareAll(units, outcomes);
        }
        catch
        {
            await AbandonAsync(opening).ConfigureAwait(false);
            throw;
        }
        if (prepared.Count == 0)
        {
            await AbandonAsync(opening).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await CommitAsync(prepared, outcomes, opening, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                throw new EventStoreUnavailableException(
                    $"Appending {prepared.Count} unit(s) failed: {e.Message}. The transaction was rolled back unless only its acknowledgment was lost; retrying the same units is safe.", e);
            }
        }
        return outcomes;
    }

    /// <summary>
    /// Opens a connection and sends BEGIN and the locks of every stream the units name (the ones preparation will
    /// reject included: an extra lock is harmless), so a large commit's first round trip overlaps its preparation.
    /// </summary>
    private async Task<NpgsqlConnection> OpenAndLockAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken)
    {
        var streamIds = units.SelectMany(u => u.Streams).Select(s => s.StreamId).Where(IsValidName).Distinct(StringComparer.Ordinal).ToArray();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var batch = new NpgsqlBatch(connection);
            AddBeginAndLocks(batch, streamIds);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Rolls back and returns the connection of a commit that will not happen; its failure no longer matters.</summary>
    private static async Task AbandonAsync(Task<NpgsqlConnection>? opening)
    {
        if (opening is null)
        {
            return;
        }
        try
        {
            await using var connection = await opening.ConfigureAwait(false);
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// One round trip when the cached stream heads are current: BEGIN, the stream locks, the insert, the stream
    /// heads, COMMIT and NOTIFY in one batch. If a head was stale (or an event id is already stored) the insert
    /// hits a unique constraint, that attempt rolls back, and the commit is redone with the heads and stored ids
    /// read under the lock: two round trips. The transaction is managed in SQL so COMMIT can ride in the batch.
    /// <paramref name="opening"/>, when given, is a connection already in a transaction holding the locks.
    /// </summary>
    private async Task CommitAsync(List<PreparedUnit> units, AppendOutcome[] outcomes, Task<NpgsqlConnection>? opening, CancellationToken cancellationToken)
    {
        await using var connection = opening is null
            ? await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
            : await opening.ConfigureAwait(false);
        try
        {
            var locked = opening is not null;
            var attempt = await TryCommitWithCachedHeadsAsync(connection, units, outcomes, locked, cancellationToken).ConfigureAwait(false);
            if (attempt != CachedAttempt.Committed)
            {
                var state = await LockAndReadAsync(connection, units, takeLocks: attempt == CachedAttempt.RolledBack || !locked, cancellationToken).ConfigureAwait(false);
                var plans = Plan(units, state, outcomes);
                await WriteAndCommitAsync(connection, state, lockFirst: null, cancellationToken).ConfigureAwait(false);
                Complete(plans, state, outcomes);
            }
        }
        catch
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    private enum CachedAttempt
    {
        Committed,
        // Not tried: a unit was refused against a cached head; nothing was sent, locks already held stay held.
        NotTried,
        // Tried and rolled back (a stale head or a stored event id hit a unique constraint): no transaction, no locks.
        RolledBack,
    }

    /// <summary>Commits in one round trip if every unit is accepted against the cached heads and none hits a stored row.</summary>
    private async Task<CachedAttempt> TryCommitWithCachedHeadsAsync(
        NpgsqlConnection connection, List<PreparedUnit> units, AppendOutcome[] outcomes, bool locked, CancellationToken cancellationToken)
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
            return CachedAttempt.NotTried;
        }
        try
        {
            await WriteAndCommitAsync(connection, state, lockFirst: locked ? null : streamIds, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation
            && e.ConstraintName is "events_stream_version_key" or "events_stream_event_id_key")
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            foreach (var streamId in streamIds)
            {
                heads.Forget(streamId);
            }
            return CachedAttempt.RolledBack;
        }
        Complete(plans, state, outcomes);
        return CachedAttempt.Committed;
    }

    private void Complete(List<(int Index, List<PlannedStream> Streams)> plans, AppendState state, AppendOutcome[] outcomes)
    {
        foreach (var (streamId, head) in state.Heads)
        {
            heads.Remember(streamId, head);
        }
        foreach (var (index, streams) in plans)
        {
            outcomes[index] = new AppendOutcome.Committed(streams.Select(state.Result).ToList());
        }
    }

    /// <summary>Writes the accepted rows (if any) and commits; <see cref="BeforeCommit"/> makes the commit a round trip of its own.</summary>
    private async Task WriteAndCommitAsync(NpgsqlConnection connection, AppendState state, string[]? lockFirst, CancellationToken cancellationToken)
    {
        var hook = state.Rows.Count > 0 ? BeforeCommit : null;
        if (state.Rows.Count > 0)
        {
            state.LinkChains();
            await WriteAsync(connection, state, lockFirst, commit: hook is null, cancellationToken).ConfigureAwait(false);
        }
        if (state.Rows.Count == 0 || hook is not null)
        {
            if (hook is not null)
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }
            await using var batch = new NpgsqlBatch(connection);
            if (hook is null)
            {
                batch.BatchCommands.Add(Command("COMMIT"));
            }
            else
            {
                AddCommitAndNotify(batch);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
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
    private static async Task<AppendState> LockAndReadAsync(NpgsqlConnection connection, List<PreparedUnit> units, bool takeLocks, CancellationToken cancellationToken)
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
        if (takeLocks)
        {
            AddBeginAndLocks(batch, streamIds);
        }
        batch.BatchCommands.Add(Command("SELECT stream_id, version, last_hash FROM streams WHERE stream_id = ANY($1)", Param(streamIds)));
        batch.BatchCommands.Add(Command(
            "SELECT stream_id, event_id, e.stream_version, e.position FROM unnest($1::text[], $2::uuid[]) AS k(stream_id, event_id) JOIN events AS e USING (stream_id, event_id)",
            Param(keyStreams.ToArray()), Param(keyIds.ToArray())));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (takeLocks)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }
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
            $"SELECT pg_advisory_xact_lock({StreamLockClass}, k) FROM (SELECT DISTINCT hashtext(s) AS k FROM unnest($1::text[]) AS s ORDER BY 1) AS keys",
            Param(streamIds)));
    }

    /// <summary>
    /// Decides every unit against the locked heads, in order: replays, conflicts and rejections are settled here,
    /// before any position is drawn; accepted units get their versions and hashes and become rows to insert.
    /// </summary>
    private static List<(int Index, List<PlannedStream> Streams)> Plan(List<PreparedUnit> units, AppendState state, AppendOutcome[] outcomes)
    {
        var plans = new List<(int, List<PlannedStream>)>();
        foreach (var unit in units)
        {
            var planned = new List<PlannedStream>(unit.Streams.Length);
            EventStoreException? failure = null;
            foreach (var stream in unit.Streams)
            {
                var known = stream.Events.Count(e => state.IsKnown(stream.StreamId, e.EventId));
                if (known == stream.Events.Length)
                {
                    planned.Add(new PlannedStream(stream, Replay: true));
                    continue;
                }
                if (known > 0)
                {
                    failure = new InvalidEventException(
                        $"Stream '{stream.StreamId}': {known} of {stream.Events.Length} event ids are already stored; a retry must repeat the original append exactly.");
                    break;
                }
                var current = state.Heads.TryGetValue(stream.StreamId, out var head) ? head.Version : -1;
                if (!Satisfies(stream.Expected, current))
                {
                    failure = new WrongExpectedVersionException(stream.StreamId, stream.Expected, current);
                    break;
                }
                planned.Add(new PlannedStream(stream, Replay: false));
            }
            if (failure is not null)
            {
                outcomes[unit.Index] = failure is WrongExpectedVersionException conflict
                    ? new AppendOutcome.Conflict(conflict)
                    : new AppendOutcome.Rejected(failure);
                continue;
            }
            foreach (var stream in planned.Where(p => !p.Replay))
            {
                state.Add(stream.Stream);
            }
            plans.Add((unit.Index, planned));
        }
        return plans;
    }

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
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            (streamIds[i], versions[i], eventIds[i], types[i], data[i], metadata[i], hashes[i]) =
                (row.StreamId, row.Version, row.Event.EventId, row.Event.Type, row.Event.DataText, row.Event.MetadataText, row.Hash);
        }
        await using var batch = new NpgsqlBatch(connection);
        if (lockFirst is not null)
        {
            AddBeginAndLocks(batch, lockFirst);
        }
        batch.BatchCommands.Add(Command("""
            INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, hash)
            SELECT s, v, i, t, d::jsonb, m::jsonb, h FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bytea[]) AS r(s, v, i, t, d, m, h)
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
            state.Positions[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt64(2);
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
        var rows = state.Rows;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY events (stream_id, stream_version, event_id, type, data, metadata, hash) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.StreamId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Event.EventId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Event.Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Event.DataText, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Event.MetadataText, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(row.Hash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            }
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var batch = new NpgsqlBatch(connection);
        // COPY draws positions from the identity sequence in row order, and a session's draws only grow.
        batch.BatchCommands.Add(Command("SELECT position FROM events WHERE transaction_id = pg_current_xact_id() ORDER BY transaction_id, position"));
        AddHeads(batch, state);
        if (commit)
        {
            AddCommitAndNotify(batch);
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var at = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = rows[at++];
            state.Positions[(row.StreamId, row.Version)] = reader.GetInt64(0);
        }
        if (at != rows.Count)
        {
            throw new InvalidOperationException($"COPY stored {at} of {rows.Count} rows.");
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

    /// <summary>
    /// Validates, canonicalizes and serializes every unit before the database is touched; a unit that fails is
    /// rejected alone. A large group commit is prepared on every core: the database waits for it meanwhile.
    /// </summary>
    private List<PreparedUnit> PrepareAll(IReadOnlyList<AppendUnit> units, AppendOutcome[] outcomes)
    {
        var prepared = new PreparedUnit?[units.Count];
        if (units.Count >= ParallelThreshold)
        {
            try
            {
                Parallel.For(0, units.Count, PrepareAt);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }
        else
        {
            for (var i = 0; i < units.Count; i++)
            {
                PrepareAt(i);
            }
        }
        return prepared.OfType<PreparedUnit>().ToList();

        void PrepareAt(int i)
        {
            try
            {
                prepared[i] = Prepare(i, units[i]);
            }
            catch (EventStoreException e)
            {
                outcomes[i] = new AppendOutcome.Rejected(e);
            }
        }
    }

    private PreparedUnit Prepare(int index, AppendUnit unit)
    {
        if (unit.Streams.Count == 0)
        {
            throw new InvalidEventException("An append unit needs at least one stream.");
        }
        var total = unit.Streams.Sum(s => s.Events.Count);
        if (total > limits.MaxEventsPerUnit)
        {
            throw new InvalidEventException($"An append unit carries {total} events; the limit is {limits.MaxEventsPerUnit}.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var streams = new PreparedStream[unit.Streams.Count];
        for (var s = 0; s < streams.Length; s++)
        {
            var append = unit.Streams[s];
            CheckName(append.StreamId, "stream id");
            if (!seen.Add(append.StreamId))
            {
                throw new InvalidEventException($"Stream '{append.StreamId}' appears twice in one unit; put its events in one StreamAppend.");
            }
            if (append.Events.Count == 0)
            {
                throw new InvalidEventException($"Stream '{append.StreamId}': no events to append.");
            }
            var ids = new HashSet<Guid>();
            streams[s] = new PreparedStream(append.StreamId, append.Expected, append.Events.Select(e =>
            {
                if (e.EventId == Guid.Empty || !ids.Add(e.EventId))
                {
                    throw new InvalidEventException($"Stream '{append.StreamId}': event id {e.EventId} is empty or repeated in the unit.");
                }
                return PrepareEvent(append.StreamId, e);
            }).ToArray());
        }
        return new PreparedUnit(index, streams);
    }

    private PreparedEvent PrepareEvent(string streamId, EventData e)
    {
        CheckName(e.Type, "event type");
        var metadata = MetadataJson.Serialize(e.Metadata);
        var size = e.Data.Length + metadata.Length;
        if (size > limits.MaxEventBytes)
        {
            throw new EventTooLargeException(streamId, e.EventId, size, limits.MaxEventBytes);
        }
        byte[] canonicalData;
        try
        {
            canonicalData = CanonicalJson.Canonicalize(e.Data, "data");
        }
        catch (InvalidEventException invalid)
        {
            throw new InvalidEventException($"Event {e.EventId} {invalid.Message}");
        }
        return new PreparedEvent(
            e.EventId, e.Type, Encoding.UTF8.GetString(e.Data.Span), Encoding.UTF8.GetString(metadata), canonicalData, CanonicalMetadata: metadata);
    }

    private void CheckName(string value, string what)
    {
        if (!IsValidName(value))
        {
            throw new InvalidEventException($"The {what} must have 1 to {limits.MaxNameLength} characters and no U+0000.");
        }
    }

    private bool IsValidName(string value) =>
        !string.IsNullOrEmpty(value) && value.Length <= limits.MaxNameLength && !value.Contains('\0', StringComparison.Ordinal);

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Param<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    private sealed record PreparedEvent(Guid EventId, string Type, string DataText, string MetadataText, byte[] CanonicalData, byte[] CanonicalMetadata);

    private sealed record PreparedStream(string StreamId, ExpectedVersion Expected, PreparedEvent[] Events);

    private sealed record PreparedUnit(int Index, PreparedStream[] Streams);

    private sealed record PlannedStream(PreparedStream Stream, bool Replay);

    private readonly record struct StoredEvent(long Version, long Position);

    private sealed class Row(string streamId, long version, PreparedEvent e)
    {
        public string StreamId { get; } = streamId;

        public long Version { get; } = version;

        public PreparedEvent Event { get; } = e;

        /// <summary>Set by <see cref="AppendState.LinkChains"/> once every unit is decided.</summary>
        public byte[] Hash { get; set; } = [];
    }

    /// <summary>What one group commit knows: locked heads, events already stored, rows it adds and the positions they got.</summary>
    private sealed class AppendState
    {
        public Dictionary<string, StreamHead> Heads { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string, Guid), StoredEvent> Stored { get; } = [];

        public Dictionary<(string, Guid), long> Pending { get; } = [];

        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

        public List<Row> Rows { get; } = [];

        // Per touched stream: the link before this commit and the rows this commit adds, in version order.
        private readonly Dictionary<string, (byte[] Previous, List<Row> Rows)> chains = new(StringComparer.Ordinal);

        public Dictionary<(string, long), long> Positions { get; } = [];

        public bool IsKnown(string streamId, Guid eventId) =>
            Stored.ContainsKey((streamId, eventId)) || Pending.ContainsKey((streamId, eventId));

        /// <summary>Gives the stream's events their versions; their hashes are linked once every unit is decided.</summary>
        public void Add(PreparedStream stream)
        {
            var head = Heads.TryGetValue(stream.StreamId, out var found) ? found : new StreamHead(-1, EventHash.Genesis);
            if (!chains.TryGetValue(stream.StreamId, out var chain))
            {
                chains[stream.StreamId] = chain = (head.Hash, []);
            }
            var version = head.Version;
            foreach (var e in stream.Events)
            {
                version++;
                var row = new Row(stream.StreamId, version, e);
                Rows.Add(row);
                chain.Rows.Add(row);
                Pending[(stream.StreamId, e.EventId)] = version;
            }
            Heads[stream.StreamId] = head with { Version = version };
            Touched.Add(stream.StreamId);
        }

        /// <summary>Computes each touched stream's hash chain; streams are independent, so a large commit links them on every core.</summary>
        public void LinkChains()
        {
            var streams = chains.ToArray();
            if (Rows.Count >= ParallelThreshold)
            {
                Parallel.For(0, streams.Length, i => Link(streams[i].Value));
            }
            else
            {
                foreach (var (_, chain) in streams)
                {
                    Link(chain);
                }
            }
            foreach (var (streamId, chain) in streams)
            {
                Heads[streamId] = new StreamHead(chain.Rows[^1].Version, chain.Rows[^1].Hash);
            }
        }

        private static void Link((byte[] Previous, List<Row> Rows) chain)
        {
            var hash = chain.Previous;
            foreach (var row in chain.Rows)
            {
                var e = row.Event;
                row.Hash = hash = EventHash.Compute(hash, row.StreamId, row.Version, e.EventId, e.Type, e.CanonicalData, e.CanonicalMetadata);
            }
        }

        public StreamAppendResult Result(PlannedStream planned)
        {
            var stream = planned.Stream;
            var first = Locate(stream.StreamId, stream.Events[0].EventId);
            var last = Locate(stream.StreamId, stream.Events[^1].EventId);
            return new StreamAppendResult(stream.StreamId, first.Version, last.Version, first.Position, last.Position, planned.Replay);
        }

        private StoredEvent Locate(string streamId, Guid eventId)
        {
            if (Stored.TryGetValue((streamId, eventId), out var stored))
            {
                return stored;
            }
            var version = Pending[(streamId, eventId)];
            return new StoredEvent(version, Positions[(streamId, version)]);
        }
    }
}
