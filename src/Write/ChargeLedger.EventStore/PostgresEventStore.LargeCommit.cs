using Npgsql;

namespace ChargeLedger.EventStore;

public sealed partial class PostgresEventStore
{
    /// <summary>
    /// A commit of 64 events or more. The first round trip (BEGIN and the locks of every stream the units name) is
    /// sent first, and units are prepared while it is under way (all of them, on every core, with parallel
    /// preparation; otherwise as many as it leaves time for). Then, if every unit is accepted against the cached
    /// heads, the rows are streamed with binary COPY as each unit is decided, so the server inserts one unit's rows
    /// while the next is prepared, decided and hashed here; the last round trip reads the positions back, writes the
    /// stream heads, commits and notifies. A unit refused against a cached head, or a stale head (the COPY hits a
    /// unique constraint), rolls that attempt back; the locked path then decides every unit against heads read under
    /// the lock.
    /// </summary>
    private async Task CommitLargeAsync(Preparation preparation, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var opening = OpenAndLockAsync(preparation.Units, cancellationToken);
        NpgsqlConnection connection;
        try
        {
            if (parallelPreparation)
            {
                preparation.All(parallel: true);
            }
            else
            {
                preparation.While(opening);
            }
            connection = await opening.ConfigureAwait(false);
        }
        catch
        {
            await AbandonAsync(opening).ConfigureAwait(false);
            throw;
        }
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                if (!await TryStreamWithCachedHeadsAsync(connection, preparation, outcomes, cancellationToken).ConfigureAwait(false)
                    && preparation.All(parallel: false) is { Count: > 0 } prepared)
                {
                    await CommitLockedAsync(connection, prepared, outcomes, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                await RollBackQuietlyAsync(connection).ConfigureAwait(false);
                throw;
            }
        }
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
            await batch.PrepareAsync(cancellationToken).ConfigureAwait(false);
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
    private static async Task AbandonAsync(Task<NpgsqlConnection> opening)
    {
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
    /// Streams the units' rows into a COPY as each is decided against the cached heads and commits; false, with the
    /// attempt rolled back (locks released), when a unit is refused against a cached head, a head was stale, or
    /// every unit was rejected in preparation.
    /// </summary>
    private async Task<bool> TryStreamWithCachedHeadsAsync(
        NpgsqlConnection connection, Preparation preparation, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var state = new AppendState();
        var plans = new List<(int Index, List<PlannedStream> Streams)>();
        var starting = connection.BeginBinaryImportAsync(CopyEvents, cancellationToken);
        preparation.While(starting);
        await using (var copy = await starting.ConfigureAwait(false))
        {
            for (var i = 0; i < preparation.Units.Count; i++)
            {
                if (preparation.Get(i) is not { } unit)
                {
                    continue;
                }
                foreach (var stream in unit.Streams)
                {
                    if (!state.Heads.ContainsKey(stream.StreamId) && heads.TryGet(stream.StreamId, out var head))
                    {
                        state.Heads[stream.StreamId] = head;
                    }
                }
                var written = state.Rows.Count;
                // A unit refused against a cached head may be fine against the real one: only the locked path decides that.
                if (PlanUnit(unit, state) is not { } planned)
                {
                    plans.Clear();
                    break;
                }
                plans.Add((unit.Index, planned));
                for (var r = written; r < state.Rows.Count; r++)
                {
                    await WriteRowAsync(copy, state.Rows[r], cancellationToken).ConfigureAwait(false);
                }
            }
            if (plans.Count == 0)
            {
                // Disposed without completing, the COPY is cancelled.
                await copy.DisposeAsync().ConfigureAwait(false);
                await RollBackQuietlyAsync(connection).ConfigureAwait(false);
                return false;
            }
            try
            {
                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (IsStaleHead(e))
            {
                await copy.DisposeAsync().ConfigureAwait(false);
                await ForgetAsync(connection, state).ConfigureAwait(false);
                return false;
            }
        }
        await FinishCopyAsync(connection, state, commit: BeforeCommit is null, cancellationToken).ConfigureAwait(false);
        await CommitAfterHookAsync(connection, cancellationToken).ConfigureAwait(false);
        Complete(plans, state, outcomes);
        return true;
    }
}
