using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class OfflineSessionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("offline", output, s => s with
        {
            TransactionPolicy = s.TransactionPolicy with { StopMissingAfter = Duration.FromSeconds(1) },
        });
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenASessionQueuedOfflineForDays_WhenItArrivesOutOfOrder_ThenDeviceTimesAreKeptAndTheDisorderIsFlagged()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var start = Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds()) - Duration.FromDays(3);
        string At(int minutes) => (start + Duration.FromMinutes(minutes)).ToString();
        await context.Gateway.CallAsync(cid, "st1", "StartTransaction", Frames.Start(2, "OFFLINE1", 10_000, At(0)));
        var transactionId = (await context.Gateway.PayloadAsync(cid, "st1")).GetProperty("transactionId").GetInt32();

        // Queued in the charge point for days; the later reading is delivered first, then the stop.
        await context.Gateway.CallAsync(cid, "m2", "MeterValues", Frames.Meter(2, transactionId, At(20), "12.0"));
        await context.Gateway.CallAsync(cid, "m1", "MeterValues", Frames.Meter(2, transactionId, At(10), "11.0"));
        await context.Gateway.CallAsync(cid, "sp1", "StopTransaction", Frames.Stop(transactionId, 12_500, At(30)));
        await context.Gateway.FramesAsync(cid, "sp1");

        var events = (await context.EventsAsync(StreamIds.Transaction(transactionId))).Select(e => e.Event).ToList();
        Assert.Equal(
            ["TransactionStarted", "TransactionAnomalyDetected", "MeterValuesRecorded", "MeterValuesRecorded", "TransactionAnomalyDetected", "TransactionAnomalyDetected", "TransactionStopped"],
            events.Select(e => e.GetType().Name));
        Assert.Equal(AnomalyKind.IdTagNotAccepted, ((TransactionAnomalyDetected)events[1]).Kind);
        Assert.Equal(start + Duration.FromMinutes(20), ((MeterValuesRecorded)events[2]).Samples[0].Timestamp);
        Assert.Equal(start + Duration.FromMinutes(10), ((MeterValuesRecorded)events[3]).Samples[0].Timestamp);
        Assert.Equal(
            [AnomalyKind.TimestampBeforePrevious, AnomalyKind.MeterRegisterBackwards],
            new[] { (TransactionAnomalyDetected)events[4], (TransactionAnomalyDetected)events[5] }.Select(a => a.Kind));
        var stopped = (TransactionStopped)events[6];
        Assert.Equal((start + Duration.FromMinutes(30), 2_500L), (stopped.DeviceTime, stopped.EnergyWh));
        Assert.True(stopped.ReceivedAt - stopped.DeviceTime > Duration.FromDays(2));
    }

    [Fact]
    public async Task GivenATransactionLeftOpen_WhenTheSweeperRunsAfterTheLimit_ThenStopMissingIsFlaggedOnce()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await context.Gateway.CallAsync(cid, "st1", "StartTransaction", Frames.Start(1, "OPEN1", 0, SystemClock.Instance.GetCurrentInstant().ToString()));
        var transactionId = (await context.Gateway.PayloadAsync(cid, "st1")).GetProperty("transactionId").GetInt32();
        var sweeper = new Sweeping.StopMissingSweeper(context.Store, context.DataSource, context.Settings.TransactionPolicy, SystemClock.Instance, _ => { });

        await TestSupport.Eventually.TrueAsync(async () => await sweeper.SweepOnceAsync(CancellationToken.None) > 0, TimeSpan.FromSeconds(30), "a stop-missing flag");
        await sweeper.SweepOnceAsync(CancellationToken.None);

        var anomalies = (await context.EventsAsync(StreamIds.Transaction(transactionId))).Select(e => e.Event).OfType<TransactionAnomalyDetected>().ToList();
        Assert.Equal([AnomalyKind.IdTagNotAccepted, AnomalyKind.StopMissing], anomalies.Select(a => a.Kind));
    }
}
