using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tests.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.Transactions;

public sealed class StopTransactionTests
{
    private static readonly Instant StartTime = Given.Now - Duration.FromHours(1);

    private static (ChargePointState ChargePoint, TransactionState Transaction) Open() =>
        Given.Started(Given.Start(allocatedId: 7, meterStart: 5_000, timestamp: StartTime));

    [Fact]
    public void GivenOpenTransaction_WhenStopWithTransactionData_ThenStoppedOnceWithEnergyAndConnectorReleased()
    {
        var (chargePoint, transaction) = Open();
        var stop = Given.Stop(7, 17_500, Given.Now, Given.Tag, Given.Register(StartTime, "5000", context: "Transaction.Begin"), Given.Register(Given.Now, "17.5", "kWh", "Transaction.End"));

        var events = TransactionDecider.Decide(stop, transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        var data = Assert.IsType<MeterValuesRecorded>(events[0]);
        Assert.Equal(MeterValuesSource.StopTransactionData, data.Source);
        Assert.Equal([5_000L, 17_500L], data.Samples.Select(s => s.EnergyWh!.Value));
        var accepted = new IdTagInfo(AuthorizationStatus.Accepted, null, null);
        Assert.Equal(new TransactionStopped(7, Given.Cid, stop.UniqueId, 5_000, 17_500, 12_500, Given.Now, Given.Tag, "Local", accepted, Given.Now), events[1]);
        Assert.Equal(new ConnectorReleased(Given.Cid, 1, 7, 17_500, Given.Now, Given.Now), events[2]);
        Assert.Equal(3, events.Count);
        Assert.Equal(new StopTransactionReply(accepted), TransactionDecider.Reply(stop, Given.Fold(transaction, events)));
        var released = Given.Fold(chargePoint, events).Connector(1);
        Assert.Equal((null, 17_500L), (released.OpenTransactionId, released.LastRegisterWh!.Value));
    }

    [Fact]
    public void GivenStopped_WhenSameStopRetriedWithNewUniqueId_ThenNotDoubleCountedAndSameReply()
    {
        var (_, transaction) = Open();
        var stop = Given.Stop(7, 17_500, data: Given.Register(Given.Now, "17500", context: "Transaction.End"));
        transaction = Given.Fold(transaction, TransactionDecider.Decide(stop, transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default));

        var retry = stop with { UniqueId = "retry" };
        var events = TransactionDecider.Decide(retry, transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Empty(events);
        Assert.Equal(TransactionDecider.Reply(stop, transaction), TransactionDecider.Reply(retry, transaction));
    }

    [Fact]
    public void GivenStopped_WhenDifferentStopArrives_ThenConflictFlaggedOnceAndFirstStopKept()
    {
        var (_, transaction) = Open();
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.Stop(7, 17_500), transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default));
        var second = Given.Stop(7, 18_000, Given.Now + Duration.FromMinutes(1));

        var events = TransactionDecider.Decide(second, transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);
        transaction = Given.Fold(transaction, events);

        var anomaly = Assert.IsType<TransactionAnomalyDetected>(Assert.Single(events));
        Assert.Equal((AnomalyKind.ConflictingStop, 18_000L, 17_500L), (anomaly.Kind, anomaly.ReadingWh!.Value, anomaly.ReferenceWh!.Value));
        Assert.Equal(17_500, transaction.Stop!.MeterStop);
        Assert.Empty(TransactionDecider.Decide(second with { UniqueId = "again" }, transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default));
    }

    [Theory]
    [InlineData(-1, OrphanReason.UnassignedTransactionId)]
    [InlineData(555, OrphanReason.UnknownTransaction)]
    public void GivenUnknownTransaction_WhenStop_ThenOrphanEvidenceKeptAnsweredAndRedeliveryIgnored(int transactionId, OrphanReason reason)
    {
        var stop = Given.Stop(transactionId, 17_500, Given.Now, Given.Tag, Given.Register(Given.Now, "17500", context: "Transaction.End"));

        var events = TransactionDecider.Decide(stop, TransactionState.Empty, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        var orphan = Assert.IsType<OrphanStopRecorded>(Assert.Single(events));
        Assert.Equal((transactionId, 17_500L, reason, "orphans-CP-1"), (orphan.TransactionId, orphan.MeterStop, orphan.OrphanReason, StreamIds.For(orphan)));
        Assert.Equal(17_500L, orphan.Samples.Single().EnergyWh);
        Assert.Equal(new StopTransactionReply(null), TransactionDecider.Reply(stop, TransactionState.Empty));
        Assert.Empty(TransactionDecider.Decide(stop with { UniqueId = "again" }, TransactionState.Empty, Given.Fold(OrphanState.Empty, events), Given.AcceptedTag, TransactionPolicy.Default));
    }

    [Fact]
    public void GivenOpenTransaction_WhenMeterStopBelowMeterStart_ThenStoppedAndFlagged()
    {
        var (_, transaction) = Open();

        var events = TransactionDecider.Decide(Given.Stop(7, 4_000), transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Equal(-1_000, events.OfType<TransactionStopped>().Single().EnergyWh);
        Assert.Equal(AnomalyKind.MeterStopBelowMeterStart, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenRegisterAt9000_WhenMeterStopBelowIt_ThenRegisterBackwards()
    {
        var (_, transaction) = Open();
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.MeterValues(7, Given.Register(StartTime + Duration.FromMinutes(5), "9000")), transaction, OrphanState.Empty, TransactionPolicy.Default));

        var events = TransactionDecider.Decide(Given.Stop(7, 8_000), transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.MeterRegisterBackwards, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenOpenTransaction_WhenStopWithoutIdTagAndReason_ThenNoIdTagInfoAndReasonLocal()
    {
        var (_, transaction) = Open();
        var stop = Given.Stop(7, 6_000, idTag: null);

        var events = TransactionDecider.Decide(stop, transaction, OrphanState.Empty, IdTagState.Unknown, TransactionPolicy.Default);

        var stopped = events.OfType<TransactionStopped>().Single();
        Assert.Equal(("Local", (IdTagInfo?)null), (stopped.Reason, stopped.IdTagInfo));
        Assert.Equal(new StopTransactionReply(null), TransactionDecider.Reply(stop, Given.Fold(transaction, events)));
    }

    [Fact]
    public void GivenOpenTransaction_WhenStopTimestampBeforeStart_ThenFlagged()
    {
        var (_, transaction) = Open();

        var events = TransactionDecider.Decide(Given.Stop(7, 6_000, StartTime - Duration.FromMinutes(1)), transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.TimestampBeforePrevious, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenOpenTransactionSilentTooLong_WhenChecked_ThenStopMissingFlaggedOnce()
    {
        var (_, transaction) = Open();
        var check = new CheckTransactionStop(7, Given.Now + TransactionPolicy.Default.StopMissingAfter);

        var events = TransactionDecider.Decide(check, transaction, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.StopMissing, Assert.IsType<TransactionAnomalyDetected>(Assert.Single(events)).Kind);
        Assert.Empty(TransactionDecider.Decide(check, Given.Fold(transaction, events), TransactionPolicy.Default));
    }

    [Fact]
    public void GivenRecentActivity_WhenChecked_ThenNothing()
    {
        var (_, transaction) = Open();

        Assert.Empty(TransactionDecider.Decide(new CheckTransactionStop(7, Given.Now + Duration.FromHours(1)), transaction, TransactionPolicy.Default));
    }

    [Fact]
    public void GivenStoppedTransaction_WhenChecked_ThenNothing()
    {
        var (_, transaction) = Open();
        transaction = Given.Fold(transaction, TransactionDecider.Decide(Given.Stop(7, 6_000), transaction, OrphanState.Empty, Given.AcceptedTag, TransactionPolicy.Default));

        Assert.Empty(TransactionDecider.Decide(new CheckTransactionStop(7, Given.Now + Duration.FromDays(30)), transaction, TransactionPolicy.Default));
    }

    [Fact]
    public void GivenAnyState_WhenEvolvedWithUnknownEvent_ThenUnchanged()
    {
        var (chargePoint, transaction) = Open();
        var unknown = new { Something = 1 };

        Assert.Same(transaction, TransactionState.Evolve(transaction, unknown));
        Assert.Same(chargePoint, ChargePointState.Evolve(chargePoint, unknown));
        Assert.Same(OrphanState.Empty, OrphanState.Evolve(OrphanState.Empty, unknown));
        var tag = Given.AcceptedTag;
        Assert.Same(tag, IdTagState.Evolve(tag, unknown));
        Assert.Same(IdTagState.Unknown, IdTagState.Evolve(IdTagState.Unknown, "not an event"));
    }
}
