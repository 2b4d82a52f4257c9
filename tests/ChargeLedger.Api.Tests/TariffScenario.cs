using System.Net;
using System.Net.Http.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Api.Tests;

/// <summary>Tariffs, charge points and sessions through the API fixture, for the tariff assignment tests.</summary>
internal static class TariffScenario
{
    private static readonly IdTagInfo Accepted = new(AuthorizationStatus.Accepted, null, null);

    public static readonly Instant Now = SystemClock.Instance.GetCurrentInstant();

    public static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<string> ChargePointAsync(this ApiFixture api)
    {
        var cid = NewId("cp");
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        return cid;
    }

    /// <summary>Publishes (or finds already published) a flat per-kWh tariff valid from ten days ago, VAT 0 %.</summary>
    public static async Task PublishAsync(this ApiFixture api, string tariffId, string pricePerKwh)
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

    /// <summary>A 30-minute, 10 kWh session at the charge point starting at <paramref name="start"/>; returns its transaction id.</summary>
    public static async Task<int> SessionAsync(this ApiFixture api, string cid, Instant start)
    {
        var id = Random.Shared.Next(1, 1_000_000_000);
        var stop = start + Duration.FromMinutes(30);
        await api.AppendMessageAsync(new EventMetadata(Source: "test", ChargePointId: cid, ReceivedAt: start),
            new TransactionStarted(id, cid, "s", 1, "TAG1", 10_000, null, start, Accepted, start));
        await api.AppendMessageAsync(new EventMetadata(Source: "test", ChargePointId: cid, ReceivedAt: stop),
            new TransactionStopped(id, cid, "x", 10_000, 20_000, 10_000, stop, "TAG1", "Local", Accepted, stop));
        return id;
    }

    public static async Task<string?> CostAsync(this ApiFixture api, int transactionId)
    {
        using var response = await api.Client("billing").GetAsync($"/transactions/{transactionId}");
        var body = await response.JsonAsync();
        return body.GetProperty("cost").GetProperty("amount").GetProperty("amount").GetString();
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await client.SendAsync(request);
    }
}
