using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChargeLedger.Api.Hosting;
using ChargeLedger.Api.Security;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>
/// Malformed requests against every route the API maps (found from its endpoint table, so new routes are fuzzed too):
/// junk path values and query parameters, bad cursors, malformed and mistyped JSON, wrong content types, oversized
/// bodies, bad Idempotency-Keys and bad credentials. Every answer is below 500, and every error a clean problem.
/// </summary>
public sealed class ApiFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RequestsPerRoute = 25;
    private static readonly string[] QueryNames = ["from", "to", "asOf", "date", "cursor", "limit", "after", "chargePointId", "status", "idTag"];

    private TestDatabase database = null!;
    private WebApplicationFactory<ApiSettings> factory = null!;
    private string adminKey = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateMigratedAsync("fuzzapi");
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            adminKey = (await new ApiKeyStore(dataSource).CreateAsync("fuzz", [ApiRoles.Admin], CancellationToken.None)).Secret;
            await ProjectEmptyLogAsync(dataSource);
        }
        factory = new WebApplicationFactory<ApiSettings>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(PostgresSettings.EnvironmentVariable, database.ConnectionString);
            builder.UseSetting("CHARGELEDGER_MQTT_HOST", TestServices.MqttHost);
            builder.UseSetting("CHARGELEDGER_MQTT_PORT", TestServices.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("CHARGELEDGER_API_RATE_LIMIT", "100000");
        });
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task GivenMalformedRequestsOnEveryRoute_WhenSent_ThenEachIsAnsweredBelow500AndEveryErrorIsACleanProblem()
    {
        var random = FuzzSeed.For(nameof(ApiFuzzTests), output);
        var mutator = new FrameMutator(random);
        using var client = factory.CreateClient();
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Template: e.RoutePattern.RawText!)))
            .Where(r => r.Method is "GET" or "POST")
            .Distinct()
            .OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();
        Assert.True(routes.Count > 20, "the endpoint table lists the API's routes");
        var statuses = new SortedDictionary<int, int>();
        foreach (var (method, template) in routes)
        {
            for (var i = 0; i < RequestsPerRoute; i++)
            {
                using var request = BadRequest(random, mutator, method, template, out var what);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;

                Assert.True(status < 500, $"{what}: {status} {body}");
                if (status >= 400)
                {
                    AssertCleanProblem(what, status, response, body);
                }
            }

            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        output.WriteLine($"{routes.Count} routes x {RequestsPerRoute} requests; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}");
        using var valid = new HttpRequestMessage(HttpMethod.Get, "/charge-points");
        valid.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, adminKey);
        using var answer = await client.SendAsync(valid);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static void AssertCleanProblem(string what, int status, HttpResponseMessage response, string body)
    {
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {status} is not a problem: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        foreach (var leak in new[] { "   at ", "Exception", "System.", "Npgsql", "Microsoft." })
        {
            Assert.False(body.Contains(leak, StringComparison.Ordinal), $"{what}: the problem leaks '{leak}': {body}");
        }
    }

    private HttpRequestMessage BadRequest(Random random, FrameMutator mutator, string method, string template, out string what)
    {
        // A NUL in the path is refused by the server before routing (the in-memory test server throws instead), so paths carry none.
        var path = string.Join('/', template.Split('/').Select(segment => segment.StartsWith('{') ? Uri.EscapeDataString(JunkValue(random).Replace('\0', '0')) : segment));
        var query = string.Join('&', Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"{QueryNames[random.Next(QueryNames.Length)]}={Uri.EscapeDataString(JunkValue(random))}"));
        var request = new HttpRequestMessage(new HttpMethod(method), query.Length > 0 ? $"{path}?{query}" : path);
        var credentials = random.Next(6) switch
        {
            0 => null,
            1 => $"clk_{JunkValue(random)}",
            _ => adminKey,
        };
        var header = random.Next(4) == 0 ? "Authorization" : ApiKeyAuthenticationHandler.HeaderName;
        if (credentials is not null)
        {
            request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? (random.Next(2) == 0 ? "Bearer " : "Basic ") + credentials : credentials);
        }
        if (random.Next(3) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(3) switch { 0 => new string('k', random.Next(190, 400)), 1 => " ", _ => JunkAscii(random) });
        }
        if (method == "POST")
        {
            var (bytes, contentType) = random.Next(5) switch
            {
                0 => (mutator.RandomBytes(random.Next(0, 200)), "application/json"),
                1 => (Encoding.UTF8.GetBytes("{\"idTag\":\"T\"}"), new[] { "text/plain", "application/xml", "multipart/form-data", "application/x-www-form-urlencoded" }[random.Next(4)]),
                2 => (Encoding.UTF8.GetBytes("{\"x\":\"" + new string('x', 70 * 1024) + "\"}"), "application/json"),
                _ => (mutator.Next("""{"idTag":"T1","billingAccount":"acc","expiryDate":"2027-01-01T00:00:00Z","chargePointId":"cp","transactionId":1,"description":"d","text":"n","refund":{"amount":"1.00","currency":"EUR"},"tariffId":"t","validFrom":"2026-01-01T00:00:00Z","connectorId":1}""").Bytes, "application/json"),
            };
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        what = $"{method} {request.RequestUri} ({header}: {credentials?[..Math.Min(credentials.Length, 40)]}, body {request.Content?.Headers.ContentLength})";
        return request;
    }

    private static string JunkValue(Random random) => random.Next(12) switch
    {
        0 => "",
        1 => new string('9', random.Next(20, 40)),
        2 => "-1",
        3 => new string('a', random.Next(2000, 6000)),
        4 => "2026-13-45",
        5 => "2026-11-22T25:61:00Z",
        6 => "NaN",
        7 => "1e999",
        8 => "\u0000\u0001",
        9 => "../..%2F%00",
        10 => "é中\ud83d\ude00",
        _ => Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
    };

    private static string JunkAscii(Random random) =>
        new([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x21, 0x7f))]);

    /// <summary>Every read model exists (empty), so read routes answer 200/404 rather than "not built yet".</summary>
    private static async Task ProjectEmptyLogAsync(NpgsqlDataSource dataSource)
    {
        var projections = ProjectionCatalog.CreateDefault().All;
        await using var store = new PostgresEventStore(dataSource);
        using var stop = new CancellationTokenSource();
        var host = new ProjectionHost(store, dataSource, projections).RunAsync(stop.Token);
        var status = new ProjectionStatusReader(dataSource);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var all = await status.ReadAllAsync(CancellationToken.None);
                return all.Count == projections.Count && all.All(s => s.EventsBehind == 0 && s.LastError is null);
            }, TimeSpan.FromSeconds(60), "every projection to start");
        }
        finally
        {
            await stop.CancelAsync();
            await host;
        }
    }
}
