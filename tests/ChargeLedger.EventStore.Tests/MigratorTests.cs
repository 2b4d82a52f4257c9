using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.EventStore.Tests;

public sealed class MigratorTests
{
    [Fact]
    public async Task GivenAFreshDatabase_WhenTwoMigratorsRunAtOnceAndThenAgain_ThenEachFileIsAppliedOnce()
    {
        await using var database = await TestDatabase.CreateAsync("es_migrate");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        var concurrent = await Task.WhenAll(
            new SchemaMigrator(dataSource).MigrateAsync(default),
            new SchemaMigrator(dataSource).MigrateAsync(default));
        var again = await new SchemaMigrator(dataSource).MigrateAsync(default);

        Assert.Equal(SchemaMigrator.Scripts.Select(s => s.Name), concurrent.SelectMany(r => r).Order(StringComparer.Ordinal));
        Assert.Contains("0001_event_store.sql", concurrent.SelectMany(r => r));
        Assert.Empty(again);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)SchemaMigrator.Scripts.Count, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task GivenAnAppliedFileWhoseChecksumChanged_WhenMigrating_ThenItRefuses()
    {
        await using var database = await TestDatabase.CreateMigratedAsync("es_checksum");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var edit = dataSource.CreateCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0001_event_store.sql'"))
        {
            await edit.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => new SchemaMigrator(dataSource).MigrateAsync(default));

        Assert.Contains("0001_event_store.sql", error.Message, StringComparison.Ordinal);
    }
}
