using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChargeLedger.EventStore;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Rebuilds a projection from position zero into a fresh schema while the live copy keeps serving. When the fresh
/// copy has caught up, the live copy is frozen, both are brought to the same position and compared with the
/// projection's comparison query, and the fresh schema is renamed to the live name together with the checkpoint
/// in one short transaction. A rebuild that stopped half-way resumes from its own checkpoint on the next call.
/// </summary>
public sealed class ProjectionRebuilder(IEventStore store, NpgsqlDataSource dataSource, RebuildOptions? options = null)
{
    private readonly RebuildOptions options = options ?? new RebuildOptions();

    public async Task<RebuildReport> RebuildAsync(IProjection projection, CancellationToken cancellationToken)
    {
        ProjectionNames.Validate(projection.Name);
        await using var exclusive = await ProjectionLock.TryAcquireAsync(dataSource, ProjectionLock.Rebuilder, projection.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"A rebuild of projection {projection.Name} is already running.");
        var clock = Stopwatch.StartNew();
        await ProjectionSchemas.EnsureLiveAsync(dataSource, projection, cancellationToken).ConfigureAwait(false);
        var fresh = await StartAsync(projection, cancellationToken).ConfigureAwait(false);
        options.Log?.Invoke($"rebuild {projection.Name}: filling {fresh.SchemaName} from {fresh.Checkpoint}");

        var catchUp = new CatchUp(store, dataSource, projection, ProjectionTarget.Rebuild, options.BatchSize);
        var result = await catchUp.RunAsync(fresh.Checkpoint, cancellationToken).ConfigureAwait(false);
        if (result.PositionMoved)
        {
            throw new InvalidOperationException($"The rebuild checkpoint of {projection.Name} was moved by another process.");
        }
        var caughtUp = clock.Elapsed;
        await RebuildIndexes.RestoreAsync(dataSource, fresh.SchemaName, cancellationToken).ConfigureAwait(false);
        await AnalyzeAsync(fresh.SchemaName, cancellationToken).ConfigureAwait(false);
        options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"rebuild {projection.Name}: caught up after {caughtUp.TotalSeconds:0.0} s; indexes built and tables analyzed in {(clock.Elapsed - caughtUp).TotalSeconds:0.0} s"));
        var report = await SwapAsync(projection, clock, clock.Elapsed, cancellationToken).ConfigureAwait(false);
        options.Log?.Invoke(report.Summary);
        return report;
    }

    /// <summary>The rebuild's checkpoint row: resumed when a previous rebuild of the same version stopped half-way.</summary>
    private async Task<CheckpointRow> StartAsync(IProjection projection, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ProjectionLock.LockForTransactionAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
        var row = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Rebuild, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (row is not null && row.Version == projection.Version)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // What a projection kept in memory while filling the copy from empty is gone: from here on its batches
            // look rows up as a live copy's do, through the indexes the fresh copy went without.
            await RebuildIndexes.RestoreAsync(dataSource, row.SchemaName, cancellationToken).ConfigureAwait(false);
            return row;
        }
        if (row is not null)
        {
            await ProjectionSchemas.ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {row.SchemaName} CASCADE", cancellationToken).ConfigureAwait(false);
            await DeleteRebuildRowAsync(connection, transaction, projection, cancellationToken).ConfigureAwait(false);
        }
        long number;
        await using (var next = new NpgsqlCommand("SELECT nextval('projection_rebuild_number')", connection, transaction))
        {
            number = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        var schema = ProjectionSchemas.Rebuild(projection, number);
        await ProjectionSchemas.CreateAsync(connection, transaction, projection, schema, cancellationToken).ConfigureAwait(false);
        if (projection.DefersIndexesOnRebuild)
        {
            await RebuildIndexes.DeferAsync(connection, transaction, schema, cancellationToken).ConfigureAwait(false);
        }
        await ProjectionCheckpoints.InsertAsync(connection, transaction, projection.Name, ProjectionTarget.Rebuild, schema, projection.Version, cancellationToken).ConfigureAwait(false);
        row = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Rebuild, forUpdate: false, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row!;
    }

    /// <summary>
    /// Freezes the live copy (the projection's lock, held by this session, so no transaction stays open and no
    /// other reader of the log is held back), brings both copies to the same head, compares them with read-only
    /// queries, and swaps them in one short transaction.
    /// </summary>
    private async Task<RebuildReport> SwapAsync(IProjection projection, Stopwatch clock, TimeSpan built, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, "pg_advisory_lock", projection, cancellationToken).ConfigureAwait(false);
        try
        {
            var fresh = await ReadRowAsync(connection, projection, ProjectionTarget.Rebuild, cancellationToken).ConfigureAwait(false);
            var tail = await new CatchUp(store, dataSource, projection, ProjectionTarget.Rebuild, options.BatchSize)
                .RunAsync(fresh.Checkpoint, cancellationToken).ConfigureAwait(false);
            fresh = await ReadRowAsync(connection, projection, ProjectionTarget.Rebuild, cancellationToken).ConfigureAwait(false);
            var head = fresh.Checkpoint;
            if (tail.PositionMoved || tail.Checkpoint != head)
            {
                throw new InvalidOperationException($"The rebuild checkpoint of {projection.Name} was moved by another process.");
            }
            var live = await ReadRowAsync(connection, projection, ProjectionTarget.Live, cancellationToken).ConfigureAwait(false);
            if (live.Version == projection.Version && live.EventsApplied > 0)
            {
                // Same code on both sides: compare at the same position. Across versions the old copy cannot be
                // advanced by the new code, so it is compared where it stands; so is a live copy that never applied an
                // event (a first deployment), which advancing would only fill a second time.
                await AdvanceLiveAsync(connection, projection, live.Checkpoint, head, cancellationToken).ConfigureAwait(false);
                live = await ReadRowAsync(connection, projection, ProjectionTarget.Live, cancellationToken).ConfigureAwait(false);
            }

            var (keys, differenceCount, differences) = await CompareAsync(connection, projection, live.SchemaName, fresh.SchemaName, cancellationToken).ConfigureAwait(false);
            var report = new RebuildReport(
                projection.Name, live.Version, projection.Version, head, live.Checkpoint, fresh.EventsApplied, built, clock.Elapsed, keys, differenceCount, differences, Swapped: !options.DryRun);
            if (options.DryRun)
            {
                await DiscardAsync(projection, fresh.SchemaName, cancellationToken).ConfigureAwait(false);
                return report;
            }
            await PromoteAsync(connection, projection, live, fresh, report, cancellationToken).ConfigureAwait(false);
            return report;
        }
        finally
        {
            await LockAsync(connection, "pg_advisory_unlock", projection, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the log between the live copy's checkpoint and <paramref name="head"/> to the live copy, as its runner would.</summary>
    private async Task AdvanceLiveAsync(NpgsqlConnection connection, IProjection projection, Checkpoint from, Checkpoint head, CancellationToken cancellationToken)
    {
        var checkpoint = from;
        while (checkpoint.CompareTo(head) < 0)
        {
            var page = await store.ReadAllAsync(checkpoint, options.BatchSize, cancellationToken).ConfigureAwait(false);
            var events = page.Events.TakeWhile(e => e.Checkpoint.CompareTo(head) <= 0).ToList();
            if (events.Count == 0)
            {
                return;
            }
            var next = events[^1].Checkpoint;
            if (!await BatchApplier.ApplyAsync(connection, projection, ProjectionTarget.Live, checkpoint, events, next, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The live checkpoint of {projection.Name} moved while it was frozen for a swap.");
            }
            checkpoint = next;
        }
    }

    private static async Task PromoteAsync(
        NpgsqlConnection connection, IProjection projection, CheckpointRow live, CheckpointRow fresh, RebuildReport report, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var lockedLive = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Live, forUpdate: true, cancellationToken).ConfigureAwait(false);
        var lockedFresh = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Rebuild, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (lockedLive?.Checkpoint != live.Checkpoint || lockedFresh?.Checkpoint != fresh.Checkpoint)
        {
            throw new InvalidOperationException($"A checkpoint of {projection.Name} moved while it was frozen for a swap.");
        }
        var retired = "retired_" + fresh.SchemaName["rebuild_".Length..];
        await ProjectionSchemas.ExecuteAsync(connection, transaction,
            $"ALTER SCHEMA {live.SchemaName} RENAME TO {retired}; ALTER SCHEMA {fresh.SchemaName} RENAME TO {live.SchemaName}; DROP SCHEMA {retired} CASCADE",
            cancellationToken).ConfigureAwait(false);
        await using (var promote = new NpgsqlCommand("""
            UPDATE projection_checkpoints AS l
            SET version = f.version, transaction_id = f.transaction_id, position = f.position, events_applied = f.events_applied,
                last_recorded_at = f.last_recorded_at, state = 'running', last_error = NULL, failed_at = NULL,
                started_at = f.started_at, updated_at = now()
            FROM projection_checkpoints AS f
            WHERE l.projection = $1 AND l.target = 'live' AND f.projection = $1 AND f.target = 'rebuild'
            """, connection, transaction))
        {
            promote.Parameters.Add(new NpgsqlParameter { Value = projection.Name });
            await promote.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await DeleteRebuildRowAsync(connection, transaction, projection, cancellationToken).ConfigureAwait(false);
        await RecordAsync(connection, transaction, report, fresh.StartedAt, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CheckpointRow> ReadRowAsync(NpgsqlConnection connection, IProjection projection, ProjectionTarget target, CancellationToken cancellationToken) =>
        await ProjectionCheckpoints.ReadAsync(connection, null, projection.Name, target, forUpdate: false, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Projection {projection.Name} has no {ProjectionCheckpoints.TargetName(target)} copy.");

    private static async Task LockAsync(NpgsqlConnection connection, string function, IProjection projection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}($1, hashtext($2))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ProjectionLock.Provisioner });
        command.Parameters.Add(new NpgsqlParameter { Value = projection.Name });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Keys, long Differences, IReadOnlyList<RebuildDifference> Listed)> CompareAsync(
        NpgsqlConnection connection, IProjection projection, string oldSchema, string newSchema, CancellationToken cancellationToken)
    {
        var joined = $"""
            (SELECT key::text AS key, value::text AS value FROM ({projection.ComparisonSql(oldSchema)}) o) old_copy
            FULL JOIN (SELECT key::text AS key, value::text AS value FROM ({projection.ComparisonSql(newSchema)}) n) new_copy ON old_copy.key = new_copy.key
            """;
        long keys, differences;
        await using (var totals = new NpgsqlCommand(
            $"SELECT count(*), count(*) FILTER (WHERE old_copy.value IS DISTINCT FROM new_copy.value) FROM {joined}", connection) { CommandTimeout = 0 })
        await using (var reader = await totals.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            keys = reader.GetInt64(0);
            differences = reader.GetInt64(1);
        }
        var listed = new List<RebuildDifference>();
        if (differences == 0)
        {
            return (keys, differences, listed);
        }
        await using var list = new NpgsqlCommand($"""
            SELECT coalesce(old_copy.key, new_copy.key), old_copy.value, new_copy.value FROM {joined}
            WHERE old_copy.value IS DISTINCT FROM new_copy.value ORDER BY 1 LIMIT $1
            """, connection) { CommandTimeout = 0 };
        list.Parameters.Add(new NpgsqlParameter { Value = options.MaxDifferencesListed });
        await using var rows = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            listed.Add(new RebuildDifference(rows.GetString(0), rows.IsDBNull(1) ? null : rows.GetString(1), rows.IsDBNull(2) ? null : rows.GetString(2)));
        }
        return (keys, differences, listed);
    }

    /// <summary>Fresh statistics before the copy goes live, since it was filled from empty.</summary>
    private async Task AnalyzeAsync(string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = $1", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            await ProjectionSchemas.ExecuteAsync(connection, null, $"ANALYZE {schema}.\"{table}\"", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DiscardAsync(IProjection projection, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ProjectionSchemas.ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {schema} CASCADE", cancellationToken).ConfigureAwait(false);
        await DeleteRebuildRowAsync(connection, transaction, projection, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteRebuildRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM projection_checkpoints WHERE projection = $1 AND target = 'rebuild'", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter { Value = projection.Name });
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RebuildReport report, Instant startedAt, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO projection_rebuilds
                (projection, from_version, to_version, transaction_id, position, events_applied, started_at, keys_compared, differences, report)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = report.Projection });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.FromVersion });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.ToVersion });
        insert.Parameters.Add(new NpgsqlParameter { Value = (long)report.Checkpoint.TransactionId });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.Checkpoint.Position });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.EventsApplied });
        insert.Parameters.Add(new NpgsqlParameter { Value = startedAt.ToDateTimeUtc() });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.KeysCompared });
        insert.Parameters.Add(new NpgsqlParameter { Value = report.DifferenceCount });
        insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(report.Differences) });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
