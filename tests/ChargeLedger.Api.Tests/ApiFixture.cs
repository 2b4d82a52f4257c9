using System.Net.Http.Json;
using System.Text.Json;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;
using ChargeLedger.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace ChargeLedger.Api.Tests;

/// <summary>
/// The API host in memory over its own migrated database, with one API key per role. One fixture per test class,
/// so every class has its own database.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> secrets = new(StringComparer.Ordinal);
    private TestDatabase? database;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PostgresEventStore Store { get; private set; } = null!;

    public string ConnectionString => database!.ConnectionString;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("api");
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Store = new PostgresEventStore(DataSource);
        Factory = CreateFactory(new Dictionary<string, string>());
        var keys = new ApiKeyStore(DataSource);
        foreach (var role in ApiRoles.All)
        {
            secrets[role] = (await keys.CreateAsync("test-" + role, [role], CancellationToken.None)).Secret;
        }
    }

    /// <summary>Another host over the same database with extra settings (e.g. a low rate limit).</summary>
    public WebApplicationFactory<Program> CreateFactory(IReadOnlyDictionary<string, string> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(PostgresSettings.EnvironmentVariable, database!.ConnectionString);
            builder.UseSetting("CHARGELEDGER_MQTT_HOST", TestServices.MqttHost);
            builder.UseSetting("CHARGELEDGER_MQTT_PORT", TestServices.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    public string Secret(string role) => secrets[role];

    /// <summary>A client sending the role's key, or no key for a null role.</summary>
    public HttpClient Client(string? role, WebApplicationFactory<Program>? factory = null)
    {
        var client = (factory ?? Factory).CreateClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, secrets[role]);
        }
        return client;
    }

    /// <summary>Appends domain events to a stream the way the write side would.</summary>
    public async Task AppendAsync(string streamId, params object[] events)
    {
        var data = events.Select(e =>
        {
            var (type, json) = EventSerializer.Serialize(e);
            return new EventData(Guid.NewGuid(), type, json, new EventMetadata(Source: "test"));
        }).ToList();
        await Store.AppendAsync(new AppendUnit(new StreamAppend(streamId, ExpectedVersion.Any, data)), CancellationToken.None);
    }

    /// <summary>Appends one message's events (possibly several streams) atomically, as ingest does.</summary>
    public async Task AppendMessageAsync(EventMetadata metadata, params object[] events)
    {
        var streams = events.GroupBy(e => ChargeLedger.Domain.Shared.StreamIds.For(e)!).Select(g => new StreamAppend(g.Key, ExpectedVersion.Any, [.. g.Select(e =>
        {
            var (type, json) = EventSerializer.Serialize(e);
            return new EventData(Guid.NewGuid(), type, json, metadata);
        })])).ToList();
        await Store.AppendAsync(new AppendUnit(streams), CancellationToken.None);
    }

    private readonly Dictionary<string, Task<int>> once = new(StringComparer.Ordinal);
    private Task? projectedOnce;

    /// <summary>Runs a class's shared setup once (xunit creates the test class per test, the fixture per class).</summary>
    public Task<int> EnsureOnceAsync(string name, Func<Task<int>> setUp)
    {
        if (!once.TryGetValue(name, out var task))
        {
            once[name] = task = setUp();
        }
        return task;
    }

    /// <summary>Projects the log once for the whole class (e.g. so that every read model exists).</summary>
    public Task EnsureProjectedAsync() => projectedOnce ??= ProjectAllAsync();

    /// <summary>Runs every projection in-process until all of them have applied the whole log.</summary>
    public async Task ProjectAllAsync()
    {
        var projections = ChargeLedger.Projections.ProjectionCatalog.CreateDefault().All;
        using var stop = new CancellationTokenSource();
        var host = new ChargeLedger.Projections.ProjectionHost(Store, DataSource, projections).RunAsync(stop.Token);
        var status = new ChargeLedger.Projections.ProjectionStatusReader(DataSource);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var all = await status.ReadAllAsync(CancellationToken.None);
                return all.Count == projections.Count && all.All(s => s.EventsBehind == 0 && s.LastError is null);
            }, TimeSpan.FromSeconds(60), "every projection to catch up");
        }
        finally
        {
            await stop.CancelAsync();
            await host;
        }
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    private static JsonSerializerOptions CreateJson() => new(JsonSerializerDefaults.Web);
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(ApiFixture.Json))!;

    /// <summary>Asserts a problem details response with the status and, when given, the field at fault.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(body.Contains("   at ", StringComparison.Ordinal), "no stack trace in a problem: " + body);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        return problem;
    }
}
