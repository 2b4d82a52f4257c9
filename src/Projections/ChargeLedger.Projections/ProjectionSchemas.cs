using ChargeLedger.Read;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>Creates, renames and drops the PostgreSQL schemas that hold the copies of a read model.</summary>
internal static class ProjectionSchemas
{
    public static string Live(IProjection projection) => ReadModelSchemas.Live(projection.Name);

    public static string Rebuild(IProjection projection, long number) => $"rebuild_{projection.Name}_{number}";

    /// <summary>True for a copy being filled by a rebuild (the rebuild holds the projection's rebuild lock: it is the copy's only writer).</summary>
    public static bool IsRebuild(string schema) => schema.StartsWith("rebuild_", StringComparison.Ordinal);

    /// <summary>Creates the schema afresh (dropping a leftover of the same name) with the projection's tables.</summary>
    public static async Task CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, string schema, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, $"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, projection.CreateTablesSql(schema), cancellationToken).ConfigureAwait(false);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        // DDL over a whole copy (index builds, ANALYZE) takes as long as the copy is large.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live copy's checkpoint row, creating an empty live copy at position zero when there is none.</summary>
    public static async Task<CheckpointRow> EnsureLiveAsync(NpgsqlDataSource dataSource, IProjection projection, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await ProjectionCheckpoints.ReadAsync(connection, null, projection.Name, ProjectionTarget.Live, forUpdate: false, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ProjectionLock.LockForTransactionAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
        var row = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Live, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            await CreateAsync(connection, transaction, projection, Live(projection), cancellationToken).ConfigureAwait(false);
            await ProjectionCheckpoints.InsertAsync(connection, transaction, projection.Name, ProjectionTarget.Live, Live(projection), projection.Version, cancellationToken).ConfigureAwait(false);
            row = await ProjectionCheckpoints.ReadAsync(connection, transaction, projection.Name, ProjectionTarget.Live, forUpdate: false, cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row!;
    }
}
