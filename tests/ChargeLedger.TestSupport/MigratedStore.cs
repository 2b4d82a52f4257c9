using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.TestSupport;

/// <summary>A migrated database of its own with the real event store over it, disposed together.</summary>
public sealed class MigratedStore : IAsyncDisposable
{
    private MigratedStore(TestDatabase database)
    {
        Database = database;
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Store = new PostgresEventStore(DataSource);
    }

    public TestDatabase Database { get; }

    public string ConnectionString => Database.ConnectionString;

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventStore Store { get; }

    public static async Task<MigratedStore> CreateAsync(string prefix) =>
        new(await TestDatabase.CreateMigratedAsync(prefix).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
    }
}
