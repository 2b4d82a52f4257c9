using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChargeLedger.TestSupport;
using Xunit.Abstractions;

namespace ChargeLedger.System.Tests;

/// <summary>The simulator's fleet through gateway → broker → ingest → projections → API, compared with its ground truth.</summary>
[Collection(SystemCollection.Name)]
public sealed class SimulatedFleetTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GivenTheWholeSystem_WhenASimulatedFleetChargesWithOfflineReplaysAndDuplicates_ThenEverySessionsKwhAndCostAndTheLedgerInTheApiMatchTheTruth()
    {
        await using var system = await SystemUnderTest.StartAsync("fleet");
        await system.RunAsync(output, async () =>
        {
            var truthFile = Path.Combine(Path.GetTempPath(), $"chargeledger-truth-{system.Tag}.json");
            var prefix = $"F{system.Tag[^8..]}-".ToUpperInvariant();
            try
            {
                await PublishFlatTariffAsync(system);

                var run = await system.RunToEndAsync("ChargeLedger.Simulator",
                    ["run", "--charge-points", "6", "--sessions", "2", "--transport", "ws", "--gateway-url", system.GatewayOcppUrl.ToString(),
                     "--offline-share", "0.5", "--duplicate-share", "0.5", "--fault-share", "0.2", "--seed", "7",
                     "--id-prefix", prefix, "--truth-file", truthFile],
                    Patience);
                Assert.True(run.ExitCode == 0, run.Output);

                using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthFile));
                var sessions = truth.RootElement.GetProperty("sessions").EnumerateArray().ToList();
                Assert.Empty(truth.RootElement.GetProperty("errors").EnumerateArray());
                Assert.Equal(12, sessions.Count);
                Assert.All(sessions, s => Assert.True(s.GetProperty("completed").GetBoolean()));
                Assert.Contains(sessions, s => s.GetProperty("replayedAfterOffline").GetBoolean());
                Assert.Contains(sessions, s => s.GetProperty("duplicates").GetInt32() > 0);

                await AssertApiMatchesTruthAsync(system, truthFile, 12);

                foreach (var chargePoint in sessions.GroupBy(s => s.GetProperty("chargePointId").GetString()!))
                {
                    var page = await system.Api.GetOrNullAsync($"transactions?chargePointId={Uri.EscapeDataString(chargePoint.Key)}");
                    var listed = page!.Value.GetProperty("items").EnumerateArray().ToList();
                    Assert.Equal(chargePoint.Count(), listed.Count);
                    Assert.Equal(
                        chargePoint.Sum(s => s.GetProperty("energyWh").GetInt64()),
                        listed.Sum(t => t.GetProperty("energyWh").GetInt64()));
                    var chain = await system.Api.GetOrNullAsync($"audit/streams/chargepoint-{Uri.EscapeDataString(chargePoint.Key)}/verify");
                    Assert.True(chain!.Value.GetProperty("chainValid").GetBoolean(), $"hash chain of {chargePoint.Key}: {chain}");
                }
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{sessions.Count} sessions, {truth.RootElement.GetProperty("messagesSent").GetInt32()} messages, all matching the truth"));
            }
            finally
            {
                File.Delete(truthFile);
            }
        });
    }

    [Fact]
    public async Task GivenChargePointsConnectedThroughTheGateway_WhenTheGatewayIsKilledAndRestarted_ThenTheyReconnectResendAndTheApiMatchesTheTruth()
    {
        await using var system = await SystemUnderTest.StartAsync("gwrestart");
        await system.RunAsync(output, async () =>
        {
            var truthFile = Path.Combine(Path.GetTempPath(), $"chargeledger-truth-{system.Tag}.json");
            var prefix = $"G{system.Tag[^8..]}-".ToUpperInvariant();
            try
            {
                await PublishFlatTariffAsync(system);
                var fleet = system.StartHost("ChargeLedger.Simulator",
                    ["run", "--charge-points", "4", "--sessions", "3", "--rate", "20", "--transport", "ws", "--gateway-url", system.GatewayOcppUrl.ToString(),
                     "--offline-share", "0", "--duplicate-share", "0", "--fault-share", "0", "--seed", "11", "--call-timeout", "10",
                     "--id-prefix", prefix, "--truth-file", truthFile]);
                using var metrics = new HttpClient { BaseAddress = system.GatewayHttp };
                await Eventually.TrueAsync(
                    async () => UpstreamFrames(await metrics.GetStringAsync(new Uri("metrics", UriKind.Relative))) >= 40,
                    Patience, "the fleet to be charging through the gateway");

                await system.RestartGatewayAsync();

                Assert.Equal(0, await fleet.WaitForExitAsync(TimeSpan.FromSeconds(120)));
                using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthFile));
                Assert.Empty(truth.RootElement.GetProperty("errors").EnumerateArray());
                var sessions = truth.RootElement.GetProperty("sessions").EnumerateArray().ToList();
                Assert.Equal(12, sessions.Count);
                Assert.All(sessions, s => Assert.True(s.GetProperty("completed").GetBoolean()));
                // The restart cut the charge points' calls: resent (transaction messages) or dropped unanswered (the rest).
                Assert.True(truth.RootElement.GetProperty("resends").GetInt64() + truth.RootElement.GetProperty("unconfirmed").GetArrayLength() > 0);
                await AssertApiMatchesTruthAsync(system, truthFile, 12);
            }
            finally
            {
                File.Delete(truthFile);
            }
        });
    }

    /// <summary>The one published tariff prices every session: energy only, so the truth's kWh gives the exact cost.</summary>
    private static async Task PublishFlatTariffAsync(SystemUnderTest system)
    {
        using var tariff = await system.Api.PostAsJsonAsync("tariffs", new
        {
            tariffId = "fleet", validFrom = "2020-01-01T00:00:00Z", currency = "EUR",
            pricePerKwh = "0.40", vatRatePercent = "19", timeZoneId = "Europe/Berlin",
        });
        Assert.True(tariff.IsSuccessStatusCode, await tariff.Content.ReadAsStringAsync());
    }

    /// <summary>The simulator's check: every session's kWh, times and cost, and the ledger's balances, as the API serves them.</summary>
    private static async Task AssertApiMatchesTruthAsync(SystemUnderTest system, string truthFile, int sessions)
    {
        var check = await Eventually.ReturnsAsync(
            () => system.RunToEndAsync("ChargeLedger.Simulator", ["check", "--truth-file", truthFile, "--price-per-kwh", "0.40", "--vat-percent", "19"], Patience,
                new Dictionary<string, string> { ["CHARGELEDGER_API_KEY"] = system.AdminKey }),
            c => c.ExitCode == 0, Patience, "the API's transactions, costs and ledger to agree with the simulator's ground truth");
        Assert.Contains($"{sessions} sessions checked, 0 mismatches", check.Output, StringComparison.Ordinal);
    }

    private static long UpstreamFrames(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("chargeledger_gateway_frames_upstream_total ", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).SingleOrDefault();
}
