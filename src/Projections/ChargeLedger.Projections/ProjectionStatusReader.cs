using ChargeLedger.EventStore;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>Lag and health of every projection, computed from the checkpoint rows and the event log in one statement.</summary>
public sealed class ProjectionStatusReader(NpgsqlDataSource dataSource)
{
    // Events behind are counted in commit order, which is how the runner reads them: a late committer with a
    // lower position still counts as pending.
    private static readonly string Sql = $"""
        SELECT {ProjectionCheckpoints.Columns},
            (SELECT count(*) FROM events e WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)),
            (SELECT min(e.recorded_at) FROM events e WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)),
            now(),
            EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                    AND l.classid = {ProjectionLock.Rebuilder}::oid AND l.objid = hashtext(c.projection)::oid AND l.database = c_db.oid)
        FROM projection_checkpoints c, (SELECT oid FROM pg_database WHERE datname = current_database()) c_db
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
        await using (var command = dataSource.CreateCommand(Sql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((ProjectionCheckpoints.Read(reader, 0), reader.GetInt64(13),
                    reader.IsDBNull(14) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(14)), Instant.FromDateTimeUtc(reader.GetDateTime(15)), reader.GetBoolean(16)));
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
