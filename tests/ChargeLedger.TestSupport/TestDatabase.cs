using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.TestSupport;

/// <summary>A fresh, uniquely named database on the test PostgreSQL, dropped on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"t_{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 35)];
        var admin = new NpgsqlConnectionStringBuilder(TestServices.PostgresConnectionString);
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var builder = new NpgsqlConnectionStringBuilder(TestServices.PostgresConnectionString) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>A fresh database with every migration in <c>schema/</c> applied.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var database = await CreateAsync(prefix, cancellationToken).ConfigureAwait(false);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await new SchemaMigrator(dataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestServices.PostgresConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 120)
            {
                // An autovacuum worker (owned by the superuser) is still busy in the database after heavy writes;
                // FORCE may not end it, so wait for it to finish (after a benchmark's million rows that takes a while).
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }
}
