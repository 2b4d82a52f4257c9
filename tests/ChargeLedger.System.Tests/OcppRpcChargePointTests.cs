using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChargeLedger.TestSupport;
using Xunit.Abstractions;

namespace ChargeLedger.System.Tests;

/// <summary>The ocpp-rpc npm package, a third-party OCPP-J client, as a charge point through the real processes.</summary>
[Collection(SystemCollection.Name)]
public sealed class OcppRpcChargePointTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GivenTheWholeSystem_WhenOcppRpcChargesASession_ThenTheApiShowsTheTransactionItsEnergyAndItsRawFrames()
    {
        var chargePointId = $"RPC-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        const string password = "rpc-secret-1";
        await using var system = await SystemUnderTest.StartAsync(
            "rpc", gatewayAuth: "required", passwords: new Dictionary<string, string> { [chargePointId] = password });
        await system.RunAsync(output, async () =>
        {
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            const long meterStart = 120_000;
            const long meterMid = 123_456;
            const long meterStop = 127_891;
            var startIso = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var peer = system.StartPeer("ocpp-rpc-charge-point.js",
                [$"{system.GatewayOcppUrl}", chargePointId, password, "TAG-RPC-1", $"{meterStart}", $"{meterMid}", $"{meterStop}", startIso]);
            Assert.Equal(0, await peer.WaitForExitAsync(Patience));
            var steps = peer.Lines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Assert.Equal("ocpp1.6", (string?)steps.Single(s => (string?)s["step"] == "connected")["protocol"]);
            Assert.Equal("Accepted", (string?)steps.Single(s => (string?)s["step"] == "BootNotification")["result"]!["status"]);
            var transactionId = (int)steps.Single(s => (string?)s["step"] == "StartTransaction")["result"]!["transactionId"]!;
            Assert.True(transactionId > 0, $"transaction id {transactionId}");

            var transaction = await Eventually.ReturnsAsync(
                () => system.Api.GetOrNullAsync($"transactions/{transactionId}"),
                t => t is { } json && json.GetProperty("status").GetString() == "Completed",
                Patience, $"transaction {transactionId} to be projected as completed");
            var t = transaction!.Value;
            Assert.Equal(chargePointId, t.GetProperty("chargePointId").GetString());
            Assert.Equal(1, t.GetProperty("connectorId").GetInt32());
            Assert.Equal("TAG-RPC-1", t.GetProperty("idTag").GetString());
            Assert.Equal(meterStart, t.GetProperty("meterStartWh").GetInt64());
            Assert.Equal(meterStop, t.GetProperty("meterStopWh").GetInt64());
            Assert.Equal(meterStop - meterStart, t.GetProperty("energyWh").GetInt64());
            Assert.Equal(start.ToUnixTimeSeconds(), DateTimeOffset.Parse(t.GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds());
            Assert.Equal(start.AddMinutes(30).ToUnixTimeSeconds(), DateTimeOffset.Parse(t.GetProperty("stoppedAt").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds());

            var meterValues = await system.Api.GetFromJsonAsync<JsonElement>($"transactions/{transactionId}/meter-values");
            Assert.Contains(meterValues.GetProperty("items").EnumerateArray(), r => r.GetProperty("energyWh").ValueKind == JsonValueKind.Number && r.GetProperty("energyWh").GetInt64() == meterMid);

            var trail = await Eventually.ReturnsAsync(
                () => system.Api.GetOrNullAsync($"transactions/{transactionId}/trail"),
                j => j is { } json && RawFrames(json).Any(r => r.Contains("\"StopTransaction\"", StringComparison.Ordinal)),
                Patience, $"the trail of transaction {transactionId}");
            Assert.True(trail!.Value.GetProperty("chainValid").GetBoolean(), "hash chains of the trail verify");
            var raws = RawFrames(trail.Value).ToList();
            Assert.Contains(raws, r => r.Contains("\"StartTransaction\"", StringComparison.Ordinal) && r.Contains($"\"meterStart\":{meterStart}", StringComparison.Ordinal));
            Assert.Contains(raws, r => r.Contains("\"MeterValues\"", StringComparison.Ordinal) && r.Contains($"\"{meterMid}\"", StringComparison.Ordinal));
            Assert.Contains(raws, r => r.Contains("\"StopTransaction\"", StringComparison.Ordinal) && r.Contains($"\"meterStop\":{meterStop}", StringComparison.Ordinal));
        });
    }

    private static IEnumerable<string> RawFrames(JsonElement trail) =>
        trail.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("raw"))
            .Where(r => r.ValueKind == JsonValueKind.String)
            .Select(r => r.GetString()!);
}
