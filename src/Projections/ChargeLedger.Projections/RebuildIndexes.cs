using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Secondary indexes of a rebuild copy (<see cref="IProjection.DefersIndexesOnRebuild"/>): dropped when the copy is
/// created, their definitions kept in a table of the copy's own schema (so a resumed rebuild still knows them), and
/// built again in one transaction once the copy has caught up. Indexes behind constraints (primary keys, unique) stay.
/// </summary>
internal static class RebuildIndexes
{
    private const string Table = "_rebuild_deferred_indexes";

    public static async Task DeferAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await ProjectionSchemas.ExecuteAsync(connection, transaction, $"""
            CREATE TABLE {schema}.{Table} AS
                SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
                WHERE i.schemaname = '{schema}'
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
            """, cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT name FROM {schema}.{Table}", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }
        foreach (var name in names)
        {
            await ProjectionSchemas.ExecuteAsync(connection, transaction, $"DROP INDEX {schema}.\"{name}\"", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the deferred indexes of <paramref name="schema"/>, if any, and forgets their definitions.</summary>
    public static async Task RestoreAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{schema}.{Table}') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return; // nothing was deferred for this copy
            }
        }
        var definitions = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT definition FROM {schema}.{Table}", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                definitions.Add(reader.GetString(0));
            }
        }
        await ProjectionSchemas.ExecuteAsync(connection, transaction, "SET LOCAL maintenance_work_mem = '128MB'", cancellationToken).ConfigureAwait(false);
        foreach (var definition in definitions)
        {
            await ProjectionSchemas.ExecuteAsync(connection, transaction, definition, cancellationToken).ConfigureAwait(false);
        }
        await ProjectionSchemas.ExecuteAsync(connection, transaction, $"DROP TABLE {schema}.{Table}", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
