using ChargeLedger.Api.Security;
using System.Net;
using System.Text.Json;

namespace ChargeLedger.Api.Tests;

public sealed class OperationsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenTheHost_WhenProbedForLiveness_ThenItAnswers200WithoutAKey()
    {
        using var client = api.Client(null);

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GivenTheDatabaseAndBrokerUp_WhenProbedForReadiness_ThenEveryCheckIsHealthy()
    {
        using var client = api.Client(null);

        using var response = await client.GetAsync("/health/ready");

        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal(["database", "broker", "projections"], body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task GivenAnUnreachableBroker_WhenProbedForReadiness_ThenItIs503NamingTheBroker()
    {
        await using var factory = api.CreateFactory(new Dictionary<string, string> { ["CHARGELEDGER_MQTT_PORT"] = "1" });
        using var client = api.Client(null, factory);

        using var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var broker = (await response.JsonAsync()).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "broker");
        Assert.False(broker.GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task GivenServedRequests_WhenMetricsAreScraped_ThenTheyHoldRequestDurationsAndTheIngestRate()
    {
        using var client = api.Client("auditor");
        (await client.GetAsync("/events?limit=1")).Dispose();

        using var response = await client.GetAsync("/metrics");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("chargeledger_api_request_duration_seconds_bucket{route=\"/events\",method=\"GET\",status=\"200\",le=\"+Inf\"}", text);
        Assert.Contains("# TYPE chargeledger_projection_lag_events gauge", text);
        Assert.Contains("chargeledger_ingest_events_per_second ", text);
    }

    [Fact]
    public async Task GivenTheHost_WhenTheOpenApiDocumentAndDocsPageAreRequested_ThenTheyListTheOperations()
    {
        using var client = api.Client(null);

        using var openApi = await client.GetAsync("/openapi/v1.json");
        using var docs = await client.GetAsync("/docs");

        var paths = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var route in RouteTable.All)
        {
            Assert.True(paths.EnumerateObject().Any(p => Matches(p.Name, route.Path)), $"{route.Path} is missing from the OpenAPI document");
        }
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/openapi/v1.json", await docs.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GivenTheOpenApiDocument_WhenRead_ThenItDeclaresTheApiKeySchemeAndEveryProtectedOperationRequiresIt()
    {
        using var client = api.Client(null);

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name.ToUpperInvariant(), Operation: op.Value)))
            .ToList();
        foreach (var route in RouteTable.All)
        {
            var (_, _, operation) = Assert.Single(operations, o => o.Method == route.Method && Matches(o.Path, route.Path));
            var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
            var roles = requirement.GetProperty("ApiKey").EnumerateArray().Select(r => r.GetString()).ToHashSet();
            Assert.True(roles.SetEquals(route.Audiences.Append("admin")), $"{route.Method} {route.Path} declares roles {string.Join(",", roles)}");
        }
        Assert.All(operations.Where(o => o.Path.StartsWith("/health", StringComparison.Ordinal)), o => Assert.False(o.Operation.TryGetProperty("security", out _)));
    }

    [Fact]
    public async Task GivenALowRateLimit_WhenAKeyExceedsIt_ThenItGets429WithRetryAfter()
    {
        await using var factory = api.CreateFactory(new Dictionary<string, string> { ["CHARGELEDGER_API_RATE_LIMIT"] = "3" });
        using var client = api.Client("auditor", factory);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("/events?limit=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                await response.AssertProblemAsync(429);
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        var second = await new ApiKeyStore(api.DataSource).CreateAsync("second-auditor", [ApiRoles.Auditor], CancellationToken.None);
        using var otherKey = factory.CreateClient();
        otherKey.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, second.Secret);
        using var other = await otherKey.GetAsync("/events?limit=1");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode); // the exhausted bucket is the first key's alone
    }

    private static bool Matches(string template, string path)
    {
        var a = template.Split('/');
        var b = path.Split('?')[0].Split('/');
        return a.Length == b.Length && a.Zip(b).All(x => x.First == x.Second || x.First.StartsWith('{'));
    }
}
