using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ChargeLedger.EventStore;

/// <summary>A migration file shipped in this assembly (from <c>schema/*.sql</c>).</summary>
public sealed record SchemaScript(string Name, string Sql, string Checksum);

/// <summary>
/// Applies <c>schema/*.sql</c> in name order, each file in its own transaction together with its record in
/// <c>schema_migrations</c>. A session advisory lock serializes concurrent migrators; a file whose checksum
/// differs from the applied one stops the run, since the database no longer matches the source.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource)
{
    private const long AdvisoryLockKey = 0x43_4C_4D_49_47_52_41_54; // "CLMIGRAT"

    public static IReadOnlyList<SchemaScript> Scripts { get; } = LoadScripts();

    /// <summary>Applies what is missing; returns the names applied by this call (empty when up to date).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name       text        PRIMARY KEY,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);
            var applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            var ran = new List<string>();
            foreach (var script in Scripts)
            {
                if (applied.TryGetValue(script.Name, out var checksum))
                {
                    if (checksum != script.Checksum)
                    {
                        throw new MigrationException(
                            $"Migration {script.Name} was applied with checksum {checksum} but the file now has {script.Checksum}; add a new file instead of editing an applied one.");
                    }
                    continue;
                }
                await ApplyAsync(connection, script, cancellationToken).ConfigureAwait(false);
                ran.Add(script.Name);
            }
            return ran;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, SchemaScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw new MigrationException($"Migration {script.Name} failed: {e.MessageText} (at {e.Position}).");
        }
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<SchemaScript> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("schema/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => Load(assembly, name))
            .ToList();
    }

    private static SchemaScript Load(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return new SchemaScript(resource["schema/".Length..], Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
