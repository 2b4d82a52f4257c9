using ChargeLedger.Read.LiveStatus;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.LiveStatus;

public sealed class LiveStatusTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 10, 6, 0);

    [Fact]
    public async Task GivenASessionLifecycle_WhenProjected_ThenConnectorShowsTransactionPowerEnergyAndThenItsRelease()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_live");
        var cp = new ChargePointScript("CP-L1");
        await db.AppendAsync(
            cp.Connected(T0),
            cp.Boot(T0.PlusSeconds(5), intervalSeconds: 120),
            cp.Status(1, "Available", T0.PlusSeconds(10)),
            cp.Authorize("TAG-1", T0.PlusSeconds(60)),
            cp.Start(7, 1, "TAG-1", 1_000, T0.PlusSeconds(62)),
            cp.Status(1, "Charging", T0.PlusSeconds(63)),
            cp.Meter(7, 1, T0.PlusSeconds(120), 1_500, powerKw: 11.04m));
        await db.ProjectAsync();
        var query = new LiveStatusQuery(db.DataSource);

        var charging = await query.GetAsync(cp.ChargePointId, T0.PlusSeconds(130), CancellationToken.None);
        Assert.NotNull(charging);
        Assert.True(charging.Online);
        Assert.Equal(("Alfen", "NG910", "6.1.0", "SN-1", "BOX-1", "Accepted", 120),
            (charging.Vendor, charging.Model, charging.FirmwareVersion, charging.ChargePointSerialNumber, charging.ChargeBoxSerialNumber, charging.RegistrationStatus, charging.HeartbeatIntervalSeconds));
        Assert.Equal(T0.PlusSeconds(120) + ChargePointScript.Latency, charging.LastSeen);
        Assert.Equal(T0.PlusSeconds(120), charging.LastDeviceTime);
        Assert.Equal("MeterValuesRecorded", charging.LastMessageType);
        var connector = Assert.Single(charging.Connectors);
        Assert.Equal((1, "Charging", "NoError", (int?)7), (connector.ConnectorId, connector.Status, connector.ErrorCode, connector.TransactionId));
        Assert.Equal(11_040m, connector.PowerW);
        Assert.Equal(1_500, connector.EnergyWh);
        Assert.Equal(1.5m, connector.EnergyKWh);
        Assert.Equal(T0.PlusSeconds(120), connector.EnergyAt);

        // An offline-queued reading older than the latest one must not replace it.
        await db.AppendAsync(
            cp.Meter(7, 1, T0.PlusSeconds(90), 1_200, powerKw: 7m, receivedAt: T0.PlusSeconds(200)),
            cp.Stop(7, 1, "TAG-1", 1_000, 2_000, T0.PlusSeconds(300)),
            cp.Status(1, "Available", T0.PlusSeconds(305)));
        await db.ProjectAsync();

        var idle = await query.GetAsync(cp.ChargePointId, T0.PlusSeconds(310), CancellationToken.None);
        connector = Assert.Single(idle!.Connectors);
        Assert.Equal(("Available", (int?)null, (long?)2_000), (connector.Status, connector.TransactionId, connector.EnergyWh));
        Assert.Equal(11_040m, connector.PowerW);
        Assert.Equal(T0.PlusSeconds(305), connector.StatusAt);
    }

    [Fact]
    public async Task GivenNoTrafficForThreeHeartbeatIntervalsOrADisconnect_WhenQueried_ThenOfflineWithTheReason()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_offline");
        var quiet = new ChargePointScript("CP-A");
        var gone = new ChargePointScript("CP-B");
        var busy = new ChargePointScript("CP-C");
        await db.AppendAsync(
            quiet.Boot(T0, intervalSeconds: 60),
            quiet.Heartbeat(T0.PlusSeconds(60)),
            gone.Boot(T0, intervalSeconds: 60),
            gone.Disconnected(T0.PlusSeconds(30), "keepalive timeout"),
            busy.Boot(T0, intervalSeconds: 60),
            busy.Status(1, "Faulted", T0.PlusSeconds(100), errorCode: "GroundFailure", info: "RCD tripped"));
        await db.ProjectAsync();
        var query = new LiveStatusQuery(db.DataSource, new LiveStatusOptions(HeartbeatMultiple: 3));
        var lastHeartbeat = T0.PlusSeconds(60) + ChargePointScript.Latency;

        var before = await query.GetAsync("CP-A", lastHeartbeat.PlusSeconds(179), CancellationToken.None);
        Assert.True(before!.Online);
        Assert.Equal(lastHeartbeat.PlusSeconds(180), before.OfflineAfter);
        var after = await query.GetAsync("CP-A", lastHeartbeat.PlusSeconds(181), CancellationToken.None);
        Assert.False(after!.Online);
        Assert.Contains("no traffic since", after.OnlineReason, StringComparison.Ordinal);

        var now = T0.PlusSeconds(120);
        var disconnected = await query.GetAsync("CP-B", now, CancellationToken.None);
        Assert.False(disconnected!.Online);
        Assert.Contains("keepalive timeout", disconnected.OnlineReason, StringComparison.Ordinal);

        var online = await query.ListAsync(new ChargePointFilter(Online: true), null, 10, now, CancellationToken.None);
        Assert.Equal(["CP-A", "CP-C"], online.Select(c => c.ChargePointId));
        var offline = await query.ListAsync(new ChargePointFilter(Online: false), null, 10, now, CancellationToken.None);
        Assert.Equal(["CP-B"], offline.Select(c => c.ChargePointId));
        var faulted = await query.ListAsync(new ChargePointFilter(ConnectorStatus: "Faulted"), null, 10, now, CancellationToken.None);
        var faultedConnector = Assert.Single(Assert.Single(faulted).Connectors);
        Assert.Equal(("GroundFailure", "RCD tripped"), (faultedConnector.ErrorCode, faultedConnector.Info));

        var firstPage = await query.ListAsync(new ChargePointFilter(), null, 2, now, CancellationToken.None);
        var secondPage = await query.ListAsync(new ChargePointFilter(), firstPage[^1].ChargePointId, 2, now, CancellationToken.None);
        Assert.Equal(["CP-A", "CP-B", "CP-C"], firstPage.Concat(secondPage).Select(c => c.ChargePointId));
        Assert.Null(await query.GetAsync("CP-UNKNOWN", now, CancellationToken.None));
    }
}
