using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Applies one batch and moves the checkpoint in the same transaction. The checkpoint row is locked first and
/// must still hold the position the batch was read from: if another process moved it (a second runner, or a
/// rebuild swap), nothing is written and the caller re-reads its position. Live batches also take the
/// projection's lock in shared mode, so a rebuild can freeze the live copy without holding a transaction open.
/// </summary>
internal static class BatchApplier
{
    public static async Task<bool> ApplyAsync(
        NpgsqlDataSource dataSource, IProjection projection, ProjectionTarget target,
        Checkpoint expected, IReadOnlyList<RecordedEvent> events, Checkpoint next, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(connection, projection, target, expected, events, next, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> ApplyAsync(
        NpgsqlConnection connection, IProjection projection, ProjectionTarget target,
        Checkpoint expected, IReadOnlyList<RecordedEvent> events, Checkpoint next, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var prologue = new NpgsqlBatch(connection, transaction))
        {
            // The read model and its checkpoint are lost or kept together, so a lost commit is simply re-applied:
            // waiting for the WAL flush would buy nothing.
            prologue.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
            if (target == ProjectionTarget.Live)
            {
                var freeze = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared($1, hashtext($2))");
                freeze.Parameters.Add(new NpgsqlParameter { Value = ProjectionLock.Provisioner });
                freeze.Parameters.Add(new NpgsqlParameter { Value = projection.Name });
                prologue.BatchCommands.Add(freeze);
            }
            await prologue.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var row = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, target, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Checkpoint != expected)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        await projection.ApplyAsync(events, new ProjectionContext(connection, transaction, row.SchemaName), cancellationToken).ConfigureAwait(false);
        await ProjectionCheckpoints.AdvanceAsync(
            connection, transaction, projection.Name, target, next, events.Count, events.Count > 0 ? events[^1].RecordedAt : null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
