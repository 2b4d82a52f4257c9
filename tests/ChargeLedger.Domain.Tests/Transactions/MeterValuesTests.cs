using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tests.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.Transactions;

public sealed class MeterValuesTests
{
    private static readonly Instant StartTime = Given.Now - Duration.FromMinutes(30);

    private static TransactionState Open() => Given.Started(Given.Start(allocatedId: 7, meterStart: 5_000, timestamp: StartTime)).Transaction;

    [Fact]
    public void GivenOpenTransaction_WhenMeterValues_ThenEverySampleRecordedNormalised()
    {
        var at = StartTime + Duration.FromMinutes(1);
        var command = Given.MeterValues(7, new MeterValueInput(at,
        [
            new SampledValueInput("5.25", "Sample.Periodic", null, "Energy.Active.Import.Register", null, null, "kWh"),
            new SampledValueInput("11000.5", null, null, "Power.Active.Import", "L1", null, "W"),
            new SampledValueInput("AP/xyz==", "Sample.Clock", "SignedData", null, null, "Outlet", null),
        ]));

        var events = TransactionDecider.Decide(command, Open(), OrphanState.Empty, TransactionPolicy.Default);

        var recorded = Assert.IsType<MeterValuesRecorded>(Assert.Single(events));
        Assert.Equal((7, MeterValuesSource.MeterValues, "transaction-7"), (recorded.TransactionId, recorded.Source, StreamIds.For(recorded)));
        Assert.Equal(
            [
                new RecordedSample(at, "5.25", "Energy.Active.Import.Register", "kWh", "Sample.Periodic", "Raw", "Outlet", null, 5.25m, 5_250),
                new RecordedSample(at, "11000.5", "Power.Active.Import", "W", "Sample.Periodic", "Raw", "Outlet", "L1", 11000.5m, null),
                new RecordedSample(at, "AP/xyz==", "Energy.Active.Import.Register", "Wh", "Sample.Clock", "SignedData", "Outlet", null, null, null),
            ],
            recorded.Samples);
    }

    [Fact]
    public void GivenValuesRecorded_WhenSameMeterValuesRedelivered_ThenNoEvents()
    {
        var transaction = Open();
        var command = Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(1), "5100"));
        transaction = Given.Fold(transaction, TransactionDecider.Decide(command, transaction, OrphanState.Empty, TransactionPolicy.Default));

        var events = TransactionDecider.Decide(command with { UniqueId = "other" }, transaction, OrphanState.Empty, TransactionPolicy.Default);

        Assert.Empty(events);
    }

    [Fact]
    public void GivenValuesRecorded_WhenMessageMixesOldAndNewSamples_ThenOnlyNewOnesRecorded()
    {
        var transaction = Open();
        var first = Given.Register(StartTime + Duration.FromMinutes(1), "5100");
        var second = Given.Register(StartTime + Duration.FromMinutes(2), "5200");
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.MeterValues(7, first), transaction, OrphanState.Empty, TransactionPolicy.Default));

        var events = TransactionDecider.Decide(Given.MeterValues(7, first, second), transaction, OrphanState.Empty, TransactionPolicy.Default);

        Assert.Equal([5_200L], Assert.IsType<MeterValuesRecorded>(Assert.Single(events)).Samples.Select(s => s.EnergyWh!.Value));
    }

    [Fact]
    public void GivenRegisterAt6000_WhenLowerRegisterArrives_ThenRecordedAndRegisterBackwardsFlagged()
    {
        var transaction = Open();
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(1), "6000")), transaction, OrphanState.Empty, TransactionPolicy.Default));

        var events = TransactionDecider.Decide(Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(2), "5900")), transaction, OrphanState.Empty, TransactionPolicy.Default);

        Assert.Single(events.OfType<MeterValuesRecorded>());
        var anomaly = Assert.Single(Given.Anomalies(events));
        Assert.Equal((AnomalyKind.MeterRegisterBackwards, 5_900L, 6_000L), (anomaly.Kind, anomaly.ReadingWh!.Value, anomaly.ReferenceWh!.Value));
    }

    [Fact]
    public void GivenMeterStart5000_WhenFirstRegisterBelowIt_ThenRegisterBackwards()
    {
        var events = TransactionDecider.Decide(Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(1), "0")), Open(), OrphanState.Empty, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.MeterRegisterBackwards, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenReading_WhenEarlierReadingArrives_ThenTimestampBeforePreviousFlagged()
    {
        var transaction = Open();
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(10), "6000")), transaction, OrphanState.Empty, TransactionPolicy.Default));

        var events = TransactionDecider.Decide(Given.MeterValues(7, new MeterValueInput(StartTime + Duration.FromMinutes(5), [new SampledValueInput("230", null, null, "Voltage", null, null, "V")])), transaction, OrphanState.Empty, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.TimestampBeforePrevious, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenOpenTransaction_WhenReadingInTheFuture_ThenFlaggedOncePerMessage()
    {
        var future = Given.Now + Duration.FromHours(2);

        var events = TransactionDecider.Decide(Given.MeterValues(7, Given.Register(future, "6000"), Given.Register(future + Duration.FromMinutes(1), "6100")), Open(), OrphanState.Empty, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.TimestampInFuture, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Theory]
    [InlineData(-1, OrphanReason.UnassignedTransactionId)]
    [InlineData(999, OrphanReason.UnknownTransaction)]
    public void GivenNoSuchTransaction_WhenMeterValues_ThenOrphanRecordedAndRedeliveryIgnored(int transactionId, OrphanReason reason)
    {
        var command = Given.MeterValues(transactionId, Given.Register(Given.Now, "100"));

        var events = TransactionDecider.Decide(command, TransactionState.Empty, OrphanState.Empty, TransactionPolicy.Default);

        var orphan = Assert.IsType<OrphanMeterValuesRecorded>(Assert.Single(events));
        Assert.Equal((transactionId, reason, "orphans-CP-1", 100L), (orphan.TransactionId, orphan.OrphanReason, StreamIds.For(orphan), orphan.Samples.Single().EnergyWh!.Value));
        Assert.Empty(TransactionDecider.Decide(command, TransactionState.Empty, Given.Fold(OrphanState.Empty, events), TransactionPolicy.Default));
    }

    [Fact]
    public void GivenTransactionOfAnotherChargePoint_WhenMeterValues_ThenOrphanNotMixedIn()
    {
        var command = Given.MeterValues(7, Given.Register(Given.Now, "6000")) with { ChargePointId = "CP-OTHER" };

        var events = TransactionDecider.Decide(command, Open(), OrphanState.Empty, TransactionPolicy.Default);

        var orphan = Assert.IsType<OrphanMeterValuesRecorded>(Assert.Single(events));
        Assert.Equal((OrphanReason.OtherChargePoint, "orphans-CP-OTHER"), (orphan.OrphanReason, StreamIds.For(orphan)));
    }
}
