using System.Diagnostics;
using ChargeLedger.EventStore;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>What the log benchmarks share: a named database kept between runs, and the read-only scan baseline.</summary>
internal static class BenchmarkDatabase
{
    /// <summary>Creates the named database when missing (dropping it first when asked) and returns its connection string.</summary>
    public static async Task<string> EnsureAsync(string name, bool recreate, CancellationToken cancellationToken)
    {
        await using (var admin = new NpgsqlConnection(TestServices.PostgresConnectionString))
        {
            await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (recreate)
            {
                NpgsqlConnection.ClearAllPools();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin);
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return new NpgsqlConnectionStringBuilder(TestServices.PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops rebuilds a previous (interrupted) run left behind, so each measured rebuild starts from position zero.</summary>
    public static async Task DiscardUnfinishedRebuildsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DO $$ DECLARE s text; BEGIN
                FOR s IN SELECT schema_name FROM projection_checkpoints WHERE target = 'rebuild' LOOP
                    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', s);
                END LOOP;
                DELETE FROM projection_checkpoints WHERE target = 'rebuild';
            END $$
            """);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the whole log in pages of <paramref name="pageSize"/>: the baseline a rebuild is compared with.</summary>
    public static async Task<(long Events, TimeSpan Elapsed)> ScanLogAsync(
        IEventStore store, int pageSize, CancellationToken cancellationToken, bool withoutMetadata = false)
    {
        var clock = Stopwatch.StartNew();
        long scanned = 0;
        for (var checkpoint = Checkpoint.Start; ;)
        {
            var page = withoutMetadata
                ? await store.ReadAllWithoutMetadataAsync(checkpoint, pageSize, cancellationToken).ConfigureAwait(false)
                : await store.ReadAllAsync(checkpoint, pageSize, cancellationToken).ConfigureAwait(false);
            if (page.Events.Count == 0)
            {
                return (scanned, clock.Elapsed);
            }
            scanned += page.Events.Count;
            checkpoint = page.Next;
        }
    }
}
