using ChargeLedger.EventStore;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>Reads and writes <c>projection_checkpoints</c>; every write happens in the caller's transaction.</summary>
internal static class ProjectionCheckpoints
{
    internal const string Columns =
        "projection, target, schema_name, version, transaction_id, position, events_applied, last_recorded_at, state, last_error, failed_at, started_at, updated_at";

    public static string TargetName(ProjectionTarget target) => target == ProjectionTarget.Live ? "live" : "rebuild";

    public static async Task<CheckpointRow?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string projection, ProjectionTarget target, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM projection_checkpoints WHERE projection = $1 AND target = $2" + (forUpdate ? " FOR UPDATE" : ""),
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = TargetName(target) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, 0) : null;
    }

    public static CheckpointRow Read(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1) == "live" ? ProjectionTarget.Live : ProjectionTarget.Rebuild,
        reader.GetString(first + 2),
        reader.GetInt32(first + 3),
        new Checkpoint((ulong)reader.GetInt64(first + 4), reader.GetInt64(first + 5)),
        reader.GetInt64(first + 6),
        reader.IsDBNull(first + 7) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(first + 7)),
        reader.GetString(first + 8) == "failed",
        reader.IsDBNull(first + 9) ? null : reader.GetString(first + 9),
        reader.IsDBNull(first + 10) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(first + 10)),
        Instant.FromDateTimeUtc(reader.GetDateTime(first + 11)),
        Instant.FromDateTimeUtc(reader.GetDateTime(first + 12)));

    public static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, ProjectionTarget target, string schema, int version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO projection_checkpoints (projection, target, schema_name, version) VALUES ($1, $2, $3, $4)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = TargetName(target) });
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the checkpoint past a batch and clears a failure, since the projection is healthy again.</summary>
    public static async Task AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, ProjectionTarget target,
        Checkpoint next, long applied, Instant? lastRecordedAt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE projection_checkpoints
            SET transaction_id = $3, position = $4, events_applied = events_applied + $5,
                last_recorded_at = coalesce($6, last_recorded_at), state = 'running', last_error = NULL, failed_at = NULL, updated_at = now()
            WHERE projection = $1 AND target = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = TargetName(target) });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)next.TransactionId });
        command.Parameters.Add(new NpgsqlParameter { Value = next.Position });
        command.Parameters.Add(new NpgsqlParameter { Value = applied });
        command.Parameters.Add(new NpgsqlParameter { Value = lastRecordedAt is { } at ? at.ToDateTimeUtc() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records why the projection stopped advancing; it keeps its position and is retried.</summary>
    public static async Task MarkFailedAsync(NpgsqlDataSource dataSource, string projection, ProjectionTarget target, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE projection_checkpoints SET state = 'failed', last_error = $3, failed_at = now(), updated_at = now()
            WHERE projection = $1 AND target = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        command.Parameters.Add(new NpgsqlParameter { Value = TargetName(target) });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
