using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Simulator;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Gateway.Tests;

public sealed class SimulatorTests
{
    private static SimulatorOptions Options(GatewayHarness gateway, SimulatorTransport transport) => new()
    {
        ChargePoints = 4,
        Sessions = 2,
        Transport = transport,
        GatewayUrl = new Uri(gateway.Server.ChargePointUri("x").ToString()[..^2]),
        MqttHost = TestServices.MqttHost,
        MqttPort = TestServices.MqttPort,
        MqttUsername = TestServices.MqttUsername,
        MqttPassword = TestServices.MqttPassword,
        MountPoint = gateway.Mount,
        NoticePrefix = gateway.Settings.NoticePrefix,
        IdPrefix = transport == SimulatorTransport.Ws ? "SIMWS-" : "SIMMQ-",
        OfflineShare = 0.5,
        DuplicateShare = 0.5,
        FaultShare = 0.5,
        Seed = 7,
    };

    [Fact]
    public async Task GivenAFleetThroughTheGateway_WhenItRuns_ThenTheGroundTruthMatchesWhatTheCentralSystemReceived()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        var truthFile = Path.Combine(Path.GetTempPath(), $"truth-{Guid.NewGuid():N}.json");

        var truth = await Fleet.RunAsync(Options(gateway, SimulatorTransport.Ws) with { TruthFile = truthFile }, CancellationToken.None);

        Assert.Empty(truth.Errors);
        Assert.Equal(8, truth.Sessions.Count);
        Assert.All(truth.Sessions, s => Assert.True(s.Completed));
        Assert.Equal(8, truth.Sessions.Select(s => s.TransactionId).Distinct().Count());
        Assert.Contains(truth.Sessions, s => s.ReplayedAfterOffline);
        Assert.Contains(truth.Sessions, s => s.Duplicates > 0);
        Assert.True(truth.Faults > 0);
        var received = gateway.CentralSystem.Received.Where(m => m.Topic.StartsWith($"{gateway.Mount}cp/", StringComparison.Ordinal) && (int)m.Json["MessageTypeId"]! == 2).ToList();
        Assert.Equal(truth.MessagesSent, received.Count);
        var stops = received.Where(m => (string?)m.Json["Action"] == "StopTransaction").Select(m => m.Json["Payload"]!).ToList();
        Assert.Equal(8 + truth.Sessions.Sum(s => s.Duplicates), stops.Count);
        foreach (var session in truth.Sessions)
        {
            var stop = stops.First(p => (int)p["transactionId"]! == session.TransactionId);
            Assert.Equal(session.MeterStopWh, (long)stop["meterStop"]!);
            Assert.True(OcppDateTime.TryParse((string?)stop["timestamp"], out var stoppedAt));
            Assert.True(OcppDateTime.TryParse(session.StoppedAt, out var expected));
            Assert.Equal(expected, stoppedAt);
            Assert.True(session.EnergyWh > 0);
        }
        Assert.Equal(truth.Sessions.Count, (await Simulator.Truth.GroundTruth.ReadAsync(truthFile, CancellationToken.None)).Sessions.Count);
        File.Delete(truthFile);
    }

    [Fact]
    public async Task GivenTheSameSeed_WhenTheFleetRunsOverMqttInsteadOfWebSocket_ThenItSendsTheSameSessionsAndTheGatewayNotices()
    {
        await using var gateway = await GatewayHarness.StartAsync();

        var overWs = await Fleet.RunAsync(Options(gateway, SimulatorTransport.Ws), CancellationToken.None);
        var overMqtt = await Fleet.RunAsync(Options(gateway, SimulatorTransport.Mqtt), CancellationToken.None);

        Assert.Empty(overMqtt.Errors);
        Assert.Equal(
            overWs.Sessions.Select(s => (s.ChargePointId[6..], s.IdTag, s.MeterStartWh, s.MeterStopWh, s.Duplicates, s.ReplayedAfterOffline)),
            overMqtt.Sessions.Select(s => (s.ChargePointId[6..], s.IdTag, s.MeterStartWh, s.MeterStopWh, s.Duplicates, s.ReplayedAfterOffline)));
        var connected = await Eventually.ReturnsAsync(
            () => Task.FromResult(gateway.CentralSystem.Received.Where(m => m.Topic.EndsWith("/clients/SIMMQ-00001/connected", StringComparison.Ordinal)).ToList()),
            found => found.Count > 0, TimeSpan.FromSeconds(30), "the simulator's connected notice");
        Assert.Equal("OCPP", (string?)connected[0].Json["proto_name"]);
    }

    [Theory]
    [InlineData(new[] { "--duration", "30" }, null)]
    [InlineData(new[] { "--duration", "30", "--sessions", "2" }, 2)]
    [InlineData(new[] { "--sessions", "5" }, 5)]
    public void GivenCommandLineOptions_WhenParsed_ThenDurationAloneMeansSessionsUntilTheTimeIsUp(string[] args, int? sessions)
    {
        var options = SimulatorOptions.Parse([.. args, "--transport", "mqtt", "--seed", "9"]);

        Assert.Equal(sessions, options.Sessions);
        Assert.Equal(SimulatorTransport.Mqtt, options.Transport);
        Assert.Equal(9, options.Seed);
    }
}
