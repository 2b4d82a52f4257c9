using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

/// <summary>
/// One test class's world: its own database, topic mount point, notice prefix, MQTT client ids and shared group; an
/// in-process ingest host (or none, for tests that run the real process), a gateway simulator and a store to assert on.
/// </summary>
public sealed class IngestContext : IAsyncDisposable
{
    private IngestContext(TestDatabase database, IngestSettings settings, NpgsqlDataSource dataSource, GatewaySimulator gateway)
    {
        Database = database;
        Settings = settings;
        DataSource = dataSource;
        Store = new PostgresEventStore(dataSource);
        Gateway = gateway;
    }

    public TestDatabase Database { get; }

    public IngestSettings Settings { get; }

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventStore Store { get; }

    public GatewaySimulator Gateway { get; }

    public IngestHost? Host { get; private set; }

    public OcppTopics Topics => new() { MountPoint = Settings.MountPoint };

    /// <summary>Where the gateway publishes a connect/disconnect notice, under this context's notice prefix.</summary>
    public string NoticeTopic(string cid, bool connected) =>
        $"{Settings.NoticePrefix}brokers/local/gateway/ocpp/clients/{cid}/{(connected ? "connected" : "disconnected")}";

    public static async Task<IngestContext> CreateAsync(string name, ITestOutputHelper? output = null, Func<IngestSettings, IngestSettings>? configure = null, bool startHost = true)
    {
        var database = await TestDatabase.CreateMigratedAsync(name);
        var id = Guid.NewGuid().ToString("N")[..12];
        var settings = new IngestSettings
        {
            PostgresConnectionString = database.ConnectionString,
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = TestServices.MqttUsername,
            MqttPassword = TestServices.MqttPassword,
            ClientId = $"ingest-{name}-{id}",
            SharedGroup = $"g{id}",
            SessionExpirySeconds = 120,
            MountPoint = $"t{id}/ocpp/",
            NoticePrefix = $"t{id}/sys/",
        };
        settings = configure?.Invoke(settings) ?? settings;
        var gateway = await GatewaySimulator.StartAsync(new OcppTopics { MountPoint = settings.MountPoint });
        var context = new IngestContext(database, settings, NpgsqlDataSource.Create(database.ConnectionString), gateway);
        if (startHost)
        {
            context.Host = await IngestHost.StartAsync(settings, line => Log(output, line), CancellationToken.None);
        }

        return context;
    }

    /// <summary>The stream's events, deserialized, in version order.</summary>
    public async Task<IReadOnlyList<(object Event, RecordedEvent Recorded)>> EventsAsync(string streamId)
    {
        var recorded = await Store.ReadStreamAsync(streamId, 0, 100_000, CancellationToken.None);
        return recorded.Select(r => (EventSerializer.Deserialize(r.Type, r.Data.Span)!, r)).ToList();
    }

    public async Task<IReadOnlyList<string>> TypesAsync(string streamId) =>
        (await Store.ReadStreamAsync(streamId, 0, 100_000, CancellationToken.None)).Select(r => r.Type).ToList();

    public async Task<IReadOnlyList<string>> TypesEventuallyAsync(string streamId, int count) =>
        await Eventually.ReturnsAsync(() => TypesAsync(streamId), types => types.Count >= count, TimeSpan.FromSeconds(45), $"{count} events in {streamId}");

    public async Task AppendAsync(string streamId, IReadOnlyList<object> events)
    {
        var data = events.Select(e =>
        {
            var (type, json) = EventSerializer.Serialize(e);
            return new EventData(Guid.NewGuid(), type, json, new EventMetadata(Source: "test"));
        }).ToList();
        await Store.AppendAsync(new AppendUnit(new StreamAppend(streamId, ExpectedVersion.Any, data)), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Gateway.DisposeAsync();
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static void Log(ITestOutputHelper? output, string line)
    {
        try
        {
            output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late log lines of the host are dropped.
        }
    }
}
