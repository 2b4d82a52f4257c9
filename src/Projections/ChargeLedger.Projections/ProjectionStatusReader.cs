using ChargeLedger.EventStore;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Lag and health of every projection, from the checkpoint rows and the event log in one statement that uses index
/// scans on (transaction_id, position) and the primary key only, so it stays cheap on a long log: the oldest pending
/// event is the first row after the checkpoint in commit order (LIMIT 1), events behind are counted exactly up to
/// <see cref="ExactCountLimit"/> and estimated past it from positions.
/// </summary>
public sealed class ProjectionStatusReader(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Past this many pending events the count is the position distance to the head instead: exact counting would
    /// scan every pending index entry, and far behind the exact figure tells nothing more (identity gaps left by
    /// aborted appends make the estimate slightly high, late committers below the checkpoint's position slightly low).
    /// </summary>
    public const long ExactCountLimit = 10_000;

    // Events behind are counted in commit order, which is how the runner reads them: a late committer with a
    // lower position still counts as pending.
    private static readonly string Sql = $"""
        SELECT {ProjectionCheckpoints.Columns},
            (SELECT count(*) FROM (SELECT 1 FROM events e
                WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position) LIMIT {ExactCountLimit}) pending),
            h.head_position,
            (SELECT e.recorded_at FROM events e
                WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)
                ORDER BY e.transaction_id, e.position LIMIT 1),
            now(),
            EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                    AND l.classid = {ProjectionLock.Rebuilder}::oid AND l.objid = hashtext(c.projection)::oid AND l.database = c_db.oid)
        FROM projection_checkpoints c, (SELECT oid FROM pg_database WHERE datname = current_database()) c_db,
            (SELECT max(position) AS head_position FROM events) h
        WHERE $1::text IS NULL OR c.projection = $1
        ORDER BY c.projection, c.target
        """;

    public async Task<IReadOnlyList<ProjectionStatus>> ReadAllAsync(CancellationToken cancellationToken) =>
        await QueryAsync(null, cancellationToken).ConfigureAwait(false);

    public async Task<ProjectionStatus?> ReadAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync(name, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private async Task<List<ProjectionStatus>> QueryAsync(string? name, CancellationToken cancellationToken)
    {
        var rows = new List<(CheckpointRow Row, long Behind, Instant? OldestPending, Instant Now, bool RebuildActive)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            // The planner's guess for the few checkpoint rows is high enough to trigger JIT compilation, which costs
            // several times the statement itself on every refresh.
            await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction))
            {
                await noJit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var command = new NpgsqlCommand(Sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = ProjectionCheckpoints.Read(reader, 0);
                var counted = reader.GetInt64(13);
                var behind = counted < ExactCountLimit ? counted : Math.Max(counted, reader.GetInt64(14) - row.Checkpoint.Position);
                rows.Add((row, behind, reader.IsDBNull(15) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(15)),
                    Instant.FromDateTimeUtc(reader.GetDateTime(16)), reader.GetBoolean(17)));
            }
        }
        var statuses = new List<ProjectionStatus>();
        foreach (var live in rows.Where(r => r.Row.Target == ProjectionTarget.Live))
        {
            var rebuild = rows.Where(r => r.Row.Target == ProjectionTarget.Rebuild && r.Row.Projection == live.Row.Projection)
                .Select(r => new RebuildProgress(r.Row.SchemaName, r.Row.Version, r.Row.Checkpoint, r.Row.EventsApplied, r.Behind, r.Row.StartedAt, r.RebuildActive))
                .SingleOrDefault();
            var state = live.Row.Failed ? ProjectionState.Failed : rebuild is { Active: true } ? ProjectionState.Rebuilding : ProjectionState.Running;
            var secondsBehind = live.Behind == 0 || live.OldestPending is not { } oldest ? 0 : Math.Max(0, (live.Now - oldest).TotalSeconds);
            statuses.Add(new ProjectionStatus(
                live.Row.Projection, live.Row.Version, live.Row.Checkpoint, live.Row.EventsApplied, live.Row.LastRecordedAt,
                live.Behind, secondsBehind, state, live.Row.LastError, live.Row.FailedAt, live.Row.UpdatedAt, rebuild));
        }
        return statuses;
    }
}
