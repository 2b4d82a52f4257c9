using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tests.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.Transactions;

public sealed class StartTransactionTests
{
    [Fact]
    public void GivenAcceptedTag_WhenStart_ThenIdAssignedAndTransactionStartedWithoutAnomalies()
    {
        var start = Given.Start(allocatedId: 42);

        var events = TransactionDecider.Decide(start, ChargePointState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        var accepted = new IdTagInfo(AuthorizationStatus.Accepted, null, null);
        Assert.Equal(
            [
                new TransactionIdAssigned(Given.Cid, "s-1", 1, 42, Given.Tag, 5_000, start.Timestamp, accepted, Given.Now),
                new TransactionStarted(42, Given.Cid, "s-1", 1, Given.Tag, 5_000, null, start.Timestamp, accepted, Given.Now),
            ],
            events);
        Assert.Equal(new StartTransactionReply(42, accepted), TransactionDecider.Reply(start, Given.Fold(ChargePointState.Empty, events)));
        Assert.Equal(["chargepoint-CP-1", "transaction-42"], events.Select(e => StreamIds.For(e)));
    }

    [Fact]
    public void GivenStartRecorded_WhenSameStartRedeliveredWithNewAllocatedId_ThenNoEventsAndSameTransactionId()
    {
        var (chargePoint, _) = Given.Started(Given.Start(allocatedId: 42));
        var resent = Given.Start(allocatedId: 43, uniqueId: "s-2", idTag: Given.Tag.ToLowerInvariant());

        var events = TransactionDecider.Decide(resent, chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Empty(events);
        Assert.Equal(42, TransactionDecider.Reply(resent, chargePoint).TransactionId);
        Assert.Equal(AuthorizationStatus.Accepted, TransactionDecider.Reply(resent, chargePoint).IdTagInfo.Status);
    }

    [Fact]
    public void GivenUnknownTag_WhenOfflineStartArrives_ThenTransactionRecordedAndFlaggedWithInvalid()
    {
        var start = Given.Start(idTag: "STRANGER");

        var events = TransactionDecider.Decide(start, ChargePointState.Empty, IdTagState.Unknown, TransactionPolicy.Default);

        var started = Assert.Single(events.OfType<TransactionStarted>());
        Assert.Equal(AuthorizationStatus.Invalid, started.IdTagInfo.Status);
        Assert.Equal(AnomalyKind.IdTagNotAccepted, Assert.Single(Given.Anomalies(events)).Kind);
        Assert.Equal(AuthorizationStatus.Invalid, TransactionDecider.Reply(start, Given.Fold(ChargePointState.Empty, events)).IdTagInfo.Status);
    }

    [Fact]
    public void GivenBlockedTag_WhenStart_ThenBlockedAnswerAndFlag()
    {
        var blocked = IdTagState.Fold([new IdTagRegistered(Given.Tag, null, null, "PARENT", Given.Now), new IdTagBlocked(Given.Tag, "lost", Given.Now)]);

        var events = TransactionDecider.Decide(Given.Start(), ChargePointState.Empty, blocked, TransactionPolicy.Default);

        Assert.Equal(new IdTagInfo(AuthorizationStatus.Blocked, null, "PARENT"), events.OfType<TransactionStarted>().Single().IdTagInfo);
        Assert.Contains(Given.Anomalies(events), a => a.Kind == AnomalyKind.IdTagNotAccepted);
    }

    [Fact]
    public void GivenTagExpiringBetweenDeviceTimeAndReceipt_WhenOfflineStart_ThenJudgedAtDeviceTime()
    {
        var deviceTime = Given.Now - Duration.FromDays(2);
        var expiry = Given.Now - Duration.FromDays(1);
        var tag = IdTagState.Fold([new IdTagRegistered(Given.Tag, null, expiry, null, Given.Now - Duration.FromDays(10))]);

        var early = TransactionDecider.Decide(Given.Start(timestamp: deviceTime), ChargePointState.Empty, tag, TransactionPolicy.Default);
        var late = TransactionDecider.Decide(Given.Start(timestamp: Given.Now), ChargePointState.Empty, tag, TransactionPolicy.Default);

        Assert.Equal(new IdTagInfo(AuthorizationStatus.Accepted, expiry, null), early.OfType<TransactionStarted>().Single().IdTagInfo);
        Assert.Equal(AuthorizationStatus.Expired, late.OfType<TransactionStarted>().Single().IdTagInfo.Status);
    }

    [Fact]
    public void GivenOpenTransactionOnConnector_WhenAnotherStartOnIt_ThenRecordedWithConnectorBusy()
    {
        var (chargePoint, _) = Given.Started(Given.Start(allocatedId: 1));

        var events = TransactionDecider.Decide(Given.Start(allocatedId: 2, meterStart: 5_100, timestamp: Given.Now, uniqueId: "s-2"), chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Single(events.OfType<TransactionStarted>());
        var anomaly = Assert.Single(Given.Anomalies(events));
        Assert.Equal((AnomalyKind.ConnectorBusy, 2), (anomaly.Kind, anomaly.TransactionId));
    }

    [Fact]
    public void GivenConnectorLastRegister_WhenMeterStartFarAbove_ThenLifetimeMeterAnomaly()
    {
        var chargePoint = Given.Fold(ChargePointState.Empty, [new ConnectorReleased(Given.Cid, 1, 7, 12_000, Given.Now - Duration.FromHours(2), Given.Now)]);

        var events = TransactionDecider.Decide(Given.Start(meterStart: 910_031_000), chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        var anomaly = Assert.Single(Given.Anomalies(events));
        Assert.Equal((AnomalyKind.MeterStartAboveLastRegister, 910_031_000L, 12_000L), (anomaly.Kind, anomaly.ReadingWh!.Value, anomaly.ReferenceWh!.Value));
    }

    [Fact]
    public void GivenConnectorLastRegister_WhenMeterStartWithinThreshold_ThenNoAnomaly()
    {
        var chargePoint = Given.Fold(ChargePointState.Empty, [new ConnectorReleased(Given.Cid, 1, 7, 12_000, Given.Now - Duration.FromHours(2), Given.Now)]);

        var events = TransactionDecider.Decide(Given.Start(meterStart: 12_000 + TransactionPolicy.Default.MeterStartJumpThresholdWh), chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Empty(Given.Anomalies(events));
    }

    [Fact]
    public void GivenConnectorLastRegister_WhenMeterStartBelowIt_ThenRegisterBackwards()
    {
        var chargePoint = Given.Fold(ChargePointState.Empty, [new ConnectorReleased(Given.Cid, 1, 7, 12_000, Given.Now - Duration.FromHours(2), Given.Now)]);

        var events = TransactionDecider.Decide(Given.Start(meterStart: 0), chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.MeterRegisterBackwards, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenDeviceClockAhead_WhenStartTimestampBeyondTolerance_ThenFutureTimestampAnomaly()
    {
        var events = TransactionDecider.Decide(Given.Start(timestamp: Given.Now + Duration.FromHours(1)), ChargePointState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        var anomaly = Assert.Single(Given.Anomalies(events));
        Assert.Equal((AnomalyKind.TimestampInFuture, Given.Now + Duration.FromHours(1)), (anomaly.Kind, anomaly.DeviceTime!.Value));
    }

    [Fact]
    public void GivenDeviceClockSlightlyAhead_WhenWithinTolerance_ThenNoAnomaly()
    {
        var events = TransactionDecider.Decide(Given.Start(timestamp: Given.Now + Duration.FromMinutes(4)), ChargePointState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Empty(Given.Anomalies(events));
    }

    [Fact]
    public void GivenPreviousStopOnConnector_WhenStartTimestampBeforeIt_ThenTimestampBeforePrevious()
    {
        var chargePoint = Given.Fold(ChargePointState.Empty, [new ConnectorReleased(Given.Cid, 1, 7, 5_000, Given.Now, Given.Now)]);

        var events = TransactionDecider.Decide(Given.Start(timestamp: Given.Now - Duration.FromHours(3)), chargePoint, Given.AcceptedTag, TransactionPolicy.Default);

        Assert.Equal(AnomalyKind.TimestampBeforePrevious, Assert.Single(Given.Anomalies(events)).Kind);
    }

    [Fact]
    public void GivenOfflineStartDaysOld_WhenDelivered_ThenAcceptedWithDeviceTimeKept()
    {
        var old = Given.Now - Duration.FromDays(3);

        var events = TransactionDecider.Decide(Given.Start(timestamp: old), ChargePointState.Empty, Given.AcceptedTag, TransactionPolicy.Default);

        var started = Assert.Single(events.OfType<TransactionStarted>());
        Assert.Equal((old, Given.Now), (started.DeviceTime, started.ReceivedAt));
        Assert.Empty(Given.Anomalies(events));
    }

    [Fact]
    public void GivenNewStart_WhenAllocatedIdNotPositive_ThenClearError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionDecider.Decide(Given.Start(allocatedId: 0), ChargePointState.Empty, Given.AcceptedTag, TransactionPolicy.Default));
    }
}
