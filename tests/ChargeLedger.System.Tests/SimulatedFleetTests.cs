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
    public async Task GivenTheWholeSystem_WhenASimulatedFleetChargesWithOfflineReplaysAndDuplicates_ThenEverySessionsKwhAndCostInTheApiMatchTheTruth()
    {
        await using var system = await SystemUnderTest.StartAsync("fleet");
        await system.RunAsync(output, async () =>
        {
            var truthFile = Path.Combine(Path.GetTempPath(), $"chargeledger-truth-{system.Tag}.json");
            var prefix = $"F{system.Tag[^8..]}-".ToUpperInvariant();
            try
            {
                // The one published tariff prices every session: energy only, so the truth's kWh gives the exact cost.
                using var tariff = await system.Api.PostAsJsonAsync("tariffs", new
                {
                    tariffId = "fleet", validFrom = "2020-01-01T00:00:00Z", currency = "EUR",
                    pricePerKwh = "0.40", vatRatePercent = "19", timeZoneId = "Europe/Berlin",
                });
                Assert.True(tariff.IsSuccessStatusCode, await tariff.Content.ReadAsStringAsync());

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

                var check = await Eventually.ReturnsAsync(
                    () => system.RunToEndAsync("ChargeLedger.Simulator", ["check", "--truth-file", truthFile], Patience,
                        new Dictionary<string, string> { ["CHARGELEDGER_API_KEY"] = system.AdminKey }),
                    c => c.ExitCode == 0, Patience, "the API to agree with the simulator's ground truth");
                Assert.Contains("12 sessions checked, 0 mismatches", check.Output, StringComparison.Ordinal);

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
                foreach (var session in sessions)
                {
                    var id = session.GetProperty("transactionId").GetInt32();
                    var net = Math.Round(session.GetProperty("energyWh").GetInt64() * 0.40m / 1000m, 2, MidpointRounding.AwayFromZero);
                    var total = net + Math.Round(net * 0.19m, 2, MidpointRounding.AwayFromZero);
                    var priced = await Eventually.ReturnsAsync(
                        () => system.Api.GetOrNullAsync($"transactions/{id}"),
                        t => t is { } v && v.GetProperty("cost").ValueKind == JsonValueKind.Object
                             && v.GetProperty("cost").GetProperty("status").GetString() == "priced",
                        Patience, $"transaction {id} to be priced");
                    var amount = priced!.Value.GetProperty("cost").GetProperty("amount");
                    Assert.Equal("EUR", amount.GetProperty("currency").GetString());
                    Assert.Equal(total, decimal.Parse(amount.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture));
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
}
