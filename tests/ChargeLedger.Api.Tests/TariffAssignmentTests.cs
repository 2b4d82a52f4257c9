using System.Net;
using System.Net.Http.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Api.Tests;

/// <summary>Tariffs assigned to charge points through the API, and a session at an assigned charge point priced with its tariff.</summary>
public sealed class TariffAssignmentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly IdTagInfo Accepted = new(AuthorizationStatus.Accepted, null, null);
    private static readonly Instant Now = SystemClock.Instance.GetCurrentInstant();

    private static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private async Task<string> ChargePointAsync()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        return cid;
    }

    private async Task PublishAsync(string tariffId, string pricePerKwh)
    {
        using var billing = api.Client("billing");
        using var response = await billing.PostAsJsonAsync("/tariffs", new
        {
            tariffId,
            validFrom = Iso(Now - Duration.FromDays(10)),
            currency = "EUR",
            pricePerKwh,
            vatRatePercent = "0",
            timeZoneId = "Europe/Berlin",
        });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> AssignAsync(HttpClient client, string cid, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/charge-points/{cid}/tariff-assignments") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task GivenAPublishedTariff_WhenAssignedTwiceWithTheSameIdempotencyKey_ThenOneAssignmentIsRecordedAndListed()
    {
        await PublishAsync("fast", "0.60");
        var cid = await ChargePointAsync();
        using var billing = api.Client("billing");
        var key = Guid.NewGuid().ToString();
        var body = new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(1)) };

        using var first = await AssignAsync(billing, cid, body, key);
        using var second = await AssignAsync(billing, cid, body, key);
        using var list = await api.Client("auditor").GetAsync($"/charge-points/{cid}/tariff-assignments");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        var assignment = Assert.Single((await list.JsonAsync()).GetProperty("assignments").EnumerateArray());
        Assert.Equal("fast", assignment.GetProperty("tariffId").GetString());
        Assert.Single(await api.Store.ReadStreamAsync("tariffassignment-" + cid, 0, 10, CancellationToken.None), e => e.Type == nameof(TariffAssigned));
    }

    [Fact]
    public async Task GivenAnUnknownTariffOrChargePoint_WhenAssigning_ThenNotFoundNamingTheField()
    {
        await PublishAsync("fast", "0.60");
        var cid = await ChargePointAsync();
        using var billing = api.Client("billing");

        using var unknownTariff = await AssignAsync(billing, cid, new { tariffId = "no-such-tariff", validFrom = Iso(Now) });
        using var unknownChargePoint = await AssignAsync(billing, "cp-nowhere-" + Guid.NewGuid().ToString("N")[..6], new { tariffId = "fast", validFrom = Iso(Now) });
        using var missingStart = await AssignAsync(billing, cid, new { tariffId = "fast" });

        await unknownTariff.AssertProblemAsync(404, "tariffId");
        await unknownChargePoint.AssertProblemAsync(404, "id");
        await missingStart.AssertProblemAsync(400, "validFrom");
    }

    [Fact]
    public async Task GivenAnAssignment_WhenAnEarlierStartIsAssigned_ThenRejectedOnValidFrom()
    {
        await PublishAsync("fast", "0.60");
        var cid = await ChargePointAsync();
        using var admin = api.Client("admin");

        using var first = await AssignAsync(admin, cid, new { tariffId = "fast", validFrom = Iso(Now) });
        using var earlier = await AssignAsync(admin, cid, new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(1)) });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await earlier.AssertProblemAsync(422, "validFrom");
    }

    [Fact]
    public async Task GivenTheSupportRole_WhenAssigning_ThenForbidden()
    {
        var cid = await ChargePointAsync();

        using var response = await AssignAsync(api.Client("support"), cid, new { tariffId = "fast", validFrom = Iso(Now) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GivenAnAssignedAndAnUnassignedChargePoint_WhenSessionsAreProjected_ThenEachIsPricedWithItsOwnTariff()
    {
        await PublishAsync("default", "0.40");
        await PublishAsync("fast", "0.60");
        var assigned = await ChargePointAsync();
        var unassigned = await ChargePointAsync();
        using (var response = await AssignAsync(api.Client("billing"), assigned, new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(2)) }))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var atAssigned = await SessionAsync(assigned);
        var atUnassigned = await SessionAsync(unassigned);

        await api.ProjectAllAsync();

        Assert.Equal("6.00", await CostAsync(atAssigned)); // 10 kWh × 0.60, VAT 0 %
        Assert.Equal("4.00", await CostAsync(atUnassigned)); // 10 kWh × 0.40 (default)
    }

    private async Task<int> SessionAsync(string cid)
    {
        var id = Random.Shared.Next(1, 1_000_000_000);
        var start = Now - Duration.FromHours(2);
        var stop = start + Duration.FromMinutes(30);
        await api.AppendMessageAsync(new EventMetadata(Source: "test", ChargePointId: cid, ReceivedAt: start),
            new TransactionStarted(id, cid, "s", 1, "TAG1", 10_000, null, start, Accepted, start));
        await api.AppendMessageAsync(new EventMetadata(Source: "test", ChargePointId: cid, ReceivedAt: stop),
            new TransactionStopped(id, cid, "x", 10_000, 20_000, 10_000, stop, "TAG1", "Local", Accepted, stop));
        return id;
    }

    private async Task<string?> CostAsync(int transactionId)
    {
        using var response = await api.Client("billing").GetAsync($"/transactions/{transactionId}");
        var body = await response.JsonAsync();
        return body.GetProperty("cost").GetProperty("amount").GetProperty("amount").GetString();
    }
}
