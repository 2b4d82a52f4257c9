using ChargeLedger.Domain.Transactions;
using ChargeLedger.Read.Transactions;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.Transactions;

public sealed class TransactionsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 10, 6, 0);

    [Fact]
    public async Task GivenAStartedSession_WhenStoppedLater_ThenTheTransactionGoesFromActiveToCompletedWithDeviceTimesAndEnergy()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_tx");
        var cp = new ChargePointScript("CP-T1");
        await db.AppendAsync(cp.Start(41, 2, "tag-a", 5_000, T0), cp.Meter(41, 2, T0.PlusMinutes(10), 6_000));
        await db.ProjectAsync();
        var query = new TransactionsQuery(db.DataSource);

        var active = await query.GetAsync(41, CancellationToken.None);
        Assert.NotNull(active);
        Assert.Equal((TransactionStatuses.Active, "CP-T1", 2, "tag-a", 5_000L), (active.Status, active.ChargePointId, active.ConnectorId, active.IdTag, active.MeterStartWh));
        Assert.Null(active.StoppedAt);
        Assert.Null(active.EnergyWh);

        await db.AppendAsync(cp.Stop(41, 2, "tag-a", 5_000, 12_345, T0.PlusMinutes(30), reason: "EVDisconnected"));
        await db.ProjectAsync();

        var done = await query.GetAsync(41, CancellationToken.None);
        Assert.Equal(TransactionStatuses.Completed, done!.Status);
        Assert.Equal((T0, T0.PlusMinutes(30)), (done.StartedAt, done.StoppedAt!.Value));
        Assert.Equal(T0.PlusMinutes(30) + ChargePointScript.Latency, done.StopReceivedAt);
        Assert.Equal((12_345L, 7_345L, 7.345m, "EVDisconnected"), (done.MeterStopWh!.Value, done.EnergyWh!.Value, done.EnergyKWh!.Value, done.StopReason!));
        Assert.True(done.StopPosition > done.StartPosition);
        Assert.Empty(done.Anomalies);
    }

    [Fact]
    public async Task GivenOfflineQueuedMeterValuesArrivingAfterTheStop_WhenRead_ThenReadingsAreInDeviceTimeOrderWithTheirSourceEvents()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_mv");
        var cp = new ChargePointScript("CP-T2");
        var queuedAt = T0.PlusMinutes(50);
        await db.AppendAsync(
            cp.Start(42, 1, "TAG-B", 100, T0),
            cp.Meter(42, 1, T0.PlusMinutes(40), 4_100),
            cp.Stop(42, 1, "TAG-B", 100, 5_100, T0.PlusMinutes(45)),
            cp.Meter(42, 1, T0.PlusMinutes(20), 2_100, powerKw: 7.2m, receivedAt: queuedAt),
            cp.Meter(42, 1, T0.PlusMinutes(10), 1_100, receivedAt: queuedAt));
        await db.ProjectAsync();

        var readings = await new TransactionsQuery(db.DataSource).MeterValuesAsync(42, CancellationToken.None);

        Assert.Equal([T0.PlusMinutes(10), T0.PlusMinutes(20), T0.PlusMinutes(20), T0.PlusMinutes(40)], readings.Select(r => r.DeviceTime));
        Assert.Equal([1_100L, 2_100L, null, 4_100L], readings.Select(r => r.EnergyWh));
        var power = readings[2];
        Assert.Equal(("Power.Active.Import", "kW", "7.2", 7.2m), (power.Measurand, power.Unit, power.RawValue, power.Number!.Value));
        Assert.Equal(queuedAt, readings[0].ReceivedAt);
        Assert.True(readings[0].Position > readings[3].Position, "the late message was appended after the stop");
        Assert.All(readings, r => Assert.Equal(("Sample.Periodic", "Outlet", "MeterValues"), (r.Context, r.Location, r.Source)));
        var stream = await db.Store.ReadStreamAsync("transaction-42", 0, 100, CancellationToken.None);
        Assert.Equal(stream.Single(e => e.Position == readings[0].Position).StreamVersion, readings[0].StreamVersion);
    }

    [Fact]
    public async Task GivenAnomaliesAnOrphanStopAndAMissingStop_WhenProjected_ThenAnomaliesAreListedAndTheOrphanStopShowsUp()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_anom");
        var cp = new ChargePointScript("CP-T3");
        await db.AppendAsync(
            cp.Start(43, 1, "TAG-C", 900_000, T0),
            cp.Anomaly(43, AnomalyKind.MeterStartAboveLastRegister, "meterStart 900000 Wh far above last register 1000 Wh", T0, 900_000, 1_000),
            cp.Start(44, 2, "TAG-D", 10, T0.PlusMinutes(1)),
            cp.Anomaly(44, AnomalyKind.StopMissing, "no StopTransaction within 24 h", T0.PlusHours(24)),
            cp.OrphanStop(-1, 777, T0.PlusMinutes(5)));
        await db.ProjectAsync();
        var query = new TransactionsQuery(db.DataSource);

        var suspicious = await query.GetAsync(43, CancellationToken.None);
        var anomaly = Assert.Single(suspicious!.Anomalies);
        Assert.Equal(("MeterStartAboveLastRegister", 900_000L, 1_000L), (anomaly.Kind, anomaly.ReadingWh!.Value, anomaly.ReferenceWh!.Value));
        Assert.Equal(TransactionStatuses.Active, suspicious.Status);
        Assert.Equal(TransactionStatuses.StopMissing, (await query.GetAsync(44, CancellationToken.None))!.Status);

        var orphan = Assert.Single(await query.OrphanStopsAsync("CP-T3", T0, T0.PlusHours(1), CancellationToken.None));
        Assert.Equal((-1, 777L, "UnknownTransaction", T0.PlusMinutes(5)), (orphan.ReportedTransactionId, orphan.MeterStopWh, orphan.OrphanReason, orphan.StoppedAt));

        // A late stop completes the session the sweeper had flagged.
        await db.AppendAsync(cp.Stop(44, 2, "TAG-D", 10, 50, T0.PlusMinutes(30)));
        await db.ProjectAsync();
        var late = await query.GetAsync(44, CancellationToken.None);
        Assert.Equal(TransactionStatuses.Completed, late!.Status);
        Assert.Equal("StopMissing", Assert.Single(late.Anomalies).Kind);

        var byTag = await query.ListAsync(new TransactionFilter(IdTag: "tag-d"), null, 10, CancellationToken.None);
        Assert.Equal([44], byTag.Select(t => t.TransactionId));
        var page1 = await query.ListAsync(new TransactionFilter(ChargePointId: "CP-T3"), null, 1, CancellationToken.None);
        var page2 = await query.ListAsync(new TransactionFilter(ChargePointId: "CP-T3"), page1[^1].TransactionId, 1, CancellationToken.None);
        Assert.Equal([43, 44], page1.Concat(page2).Select(t => t.TransactionId));
        var window = await query.ListAsync(new TransactionFilter(From: T0.PlusSeconds(30), To: T0.PlusHours(1)), null, 10, CancellationToken.None);
        Assert.Equal([44], window.Select(t => t.TransactionId));
    }
}
