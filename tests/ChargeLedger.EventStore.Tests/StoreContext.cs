using System.Text;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.EventStore.Tests;

/// <summary>A migrated database of its own per test class, with a store over it.</summary>
public abstract class StoreContext(string prefix) : IAsyncLifetime
{
    private TestDatabase? database;

    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    protected PostgresEventStore Store { get; private set; } = null!;

    protected string ConnectionString => database!.ConnectionString;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync(prefix);
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Store = new PostgresEventStore(DataSource);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
        await database!.DisposeAsync();
    }

    protected static EventData Event(string json = """{"value":1}""", string type = "Thing.Happened", EventMetadata? metadata = null) =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), metadata ?? new EventMetadata(Source: "test"));

    protected static AppendUnit Unit(string streamId, ExpectedVersion expected, params EventData[] events) =>
        new(new StreamAppend(streamId, expected, events));

    protected async Task<long> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    protected Task<long> CountEventsAsync() => ScalarAsync("SELECT count(*) FROM events");
}
