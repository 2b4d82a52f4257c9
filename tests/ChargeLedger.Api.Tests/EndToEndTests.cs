using System.Net;
using System.Net.Http.Headers;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.TestSupport;
using NodaTime;

namespace ChargeLedger.Api.Tests;

/// <summary>Events appended to the store, projected by the real runtime, then read through the API.</summary>
public sealed class EndToEndTests(ApiFixture api) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private static readonly IdTagInfo Accepted = new(AuthorizationStatus.Accepted, null, null);
    private readonly string prefix = "e2e-" + Guid.NewGuid().ToString("N")[..6] + "-";
    private readonly int transactionId = Random.Shared.Next(1, 1_000_000);
    private readonly Instant start = SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(2);

    private string Cid(int n) => prefix + n;

    public async Task InitializeAsync()
    {
        for (var n = 1; n <= 3; n++)
        {
            await api.AppendMessageAsync(Meta(Cid(n), start),
                new ChargePointBooted(Cid(n), "boot", "Alfen", "NG910", null, null, "6.1", null, null, null, null, RegistrationStatus.Accepted, 300, start));
            await api.AppendMessageAsync(Meta(Cid(n), start), new ConnectorStatusReported(Cid(n), "st", 1, "Available", "NoError", null, null, null, start, start));
        }
        var cid = Cid(1);
        var t0 = start + Duration.FromSeconds(10);
        await api.AppendMessageAsync(Meta(cid, t0),
            new TransactionIdAssigned(cid, "start", 1, transactionId, "TAG1", 1000, t0, Accepted, t0),
            new TransactionStarted(transactionId, cid, "start", 1, "TAG1", 1000, null, t0, Accepted, t0));
        await api.AppendMessageAsync(Meta(cid, t0), new ConnectorStatusReported(cid, "st2", 1, "Charging", "NoError", null, null, null, t0, t0));
        var t1 = t0 + Duration.FromSeconds(30);
        await api.AppendMessageAsync(Meta(cid, t1), new MeterValuesRecorded(transactionId, cid, "mv", 1, MeterValuesSource.MeterValues,
            [new RecordedSample(t1, "1.5", RecordedSample.EnergyActiveImportRegister, "kWh", "Sample.Periodic", "Raw", "Outlet", null, 1.5m, 1500)], t1));
        await api.ProjectAllAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GivenProjectedEvents_WhenAChargePointIsRead_ThenItShowsItsConnectorsTransactionAndTheLagHeader()
    {
        using var client = api.Client("support");

        using var response = await client.GetAsync($"/charge-points/{Cid(1)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("online").GetBoolean());
        Assert.NotNull(body.GetProperty("lastSeen").GetString());
        var connector = body.GetProperty("connectors").EnumerateArray().Single(c => c.GetProperty("connectorId").GetInt32() == 1);
        Assert.Equal("Charging", connector.GetProperty("status").GetString());
        Assert.Equal(transactionId, connector.GetProperty("transactionId").GetInt32());
        // The lag is read at most once per second and served stale while it refreshes (ProjectionLagMonitor), so an
        // earlier test's reading may still be served: a later request must report the caught-up projections.
        await Eventually.TrueAsync(async () =>
        {
            using var again = await client.GetAsync($"/charge-points/{Cid(1)}");
            return again.Headers.GetValues("X-Projection-Lag").Single() == "events=0; seconds=0";
        }, TimeSpan.FromSeconds(30), "the lag header to show the caught-up projections");
    }

    [Fact]
    public async Task GivenAnETag_WhenTheSameReadModelIsRequestedWithIfNoneMatch_ThenItIs304()
    {
        using var client = api.Client("support");
        using var first = await client.GetAsync($"/charge-points/{Cid(2)}");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/charge-points/{Cid(2)}");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
    }

    [Fact]
    public async Task GivenThreeChargePoints_WhenListedTwoPerPage_ThenTheCursorWalksThemOnceInIdOrder()
    {
        using var client = api.Client("support");
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync("/charge-points?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            var body = await response.JsonAsync();
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("chargePointId").GetString()!).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
            cursor = body.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal([Cid(1), Cid(2), Cid(3)], seen);
    }

    [Fact]
    public async Task GivenAStartedSession_WhenItsTransactionAndMeterValuesAreRead_ThenTheyCarryNormalisedEnergy()
    {
        using var client = api.Client("billing");

        using var transaction = await client.GetAsync($"/transactions/{transactionId}");
        using var meterValues = await client.GetAsync($"/transactions/{transactionId}/meter-values");

        var t = await transaction.JsonAsync();
        Assert.Equal((Cid(1), 1, "TAG1", 1000L, "Active"),
            (t.GetProperty("chargePointId").GetString(), t.GetProperty("connectorId").GetInt32(), t.GetProperty("idTag").GetString(),
             t.GetProperty("meterStartWh").GetInt64(), t.GetProperty("status").GetString()));
        var reading = (await meterValues.JsonAsync()).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(1500, reading.GetProperty("energyWh").GetInt64());
        Assert.True(reading.GetProperty("position").GetInt64() > 0);
    }

    [Fact]
    public async Task GivenASession_WhenItsTrailIsRead_ThenItHoldsItsEventsAndTheChainsAreValid()
    {
        using var client = api.Client("auditor");

        using var response = await client.GetAsync($"/transactions/{transactionId}/trail");

        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(body.GetProperty("chainValid").GetBoolean());
        var types = body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains(nameof(TransactionStarted), types);
        Assert.Contains(nameof(MeterValuesRecorded), types);
    }

    [Fact]
    public async Task GivenAChargePointDay_WhenTheEnergyAuditIsRead_ThenItAnswersForThatDay()
    {
        using var client = api.Client("auditor");
        var date = start.InUtc().Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await client.GetAsync($"/audit/energy?chargePointId={Cid(1)}&date={date}");
        using var malformed = await client.GetAsync($"/audit/energy?chargePointId={Cid(1)}&date=21.11.2026");
        using var unknown = await client.GetAsync($"/audit/energy?chargePointId=nobody&date={date}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(date, (await response.JsonAsync()).GetProperty("date").GetString());
        await malformed.AssertProblemAsync(400, "date");
        await unknown.AssertProblemAsync(404, "chargePointId");
    }

    [Theory]
    [InlineData("/transactions/abc", 400, "id")]
    [InlineData("/transactions/999999999", 404, "id")]
    [InlineData("/transactions/999999999/meter-values", 404, "id")]
    [InlineData("/transactions/999999999/trail", 404, "id")]
    [InlineData("/charge-points/nobody", 404, "id")]
    [InlineData("/transactions?from=yesterday", 400, "from")]
    [InlineData("/charge-points?cursor=%%%", 400, "cursor")]
    public async Task GivenBadOrUnknownIds_WhenRead_ThenTheProblemNamesTheField(string path, int status, string field)
    {
        using var client = api.Client("admin");

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(status, field);
    }

    private static EventMetadata Meta(string cid, Instant at) =>
        new(Source: "mqtt", Topic: "ocpp/cp/" + cid, ChargePointId: cid, OcppMessageId: Guid.NewGuid().ToString(), DeviceTime: at, ReceivedAt: at, Raw: "[2,\"x\",\"Heartbeat\",{}]");
}
