using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tests.Shared;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.ChargePoints;

public sealed class ChargePointDeciderTests
{
    private static readonly ChargePointPolicy Open = ChargePointPolicy.Default with { AcceptUnknownChargePoints = true, HeartbeatIntervalSeconds = 60 };
    private static readonly ChargePointPolicy Closed = ChargePointPolicy.Default with { AcceptUnknownChargePoints = false, RejectedRetryIntervalSeconds = 900 };

    private static BootNotification Boot(string uniqueId = "b-1") =>
        new(Given.Cid, uniqueId, "Vendor", "Model", "SN-1", null, "1.2.3", null, null, "MT", "MSN", Given.Now);

    [Fact]
    public void GivenUnknownChargePointAndOpenPolicy_WhenBoot_ThenBootedAcceptedWithHeartbeatInterval()
    {
        var events = ChargePointDecider.Decide(Boot(), ChargePointState.Empty, Open);

        Assert.Equal(
            [new ChargePointBooted(Given.Cid, "b-1", "Vendor", "Model", "SN-1", null, "1.2.3", null, null, "MT", "MSN", RegistrationStatus.Accepted, 60, Given.Now)],
            events);
        Assert.Equal(new BootNotificationReply(RegistrationStatus.Accepted, Given.Now, 60), ChargePointDecider.Reply(Boot(), Given.Fold(ChargePointState.Empty, events), Open));
    }

    [Fact]
    public void GivenUnknownChargePointAndClosedPolicy_WhenBoot_ThenRecordedAndRejected()
    {
        var events = ChargePointDecider.Decide(Boot(), ChargePointState.Empty, Closed);

        Assert.Equal(new BootNotificationReply(RegistrationStatus.Rejected, Given.Now, 900), ChargePointDecider.Reply(Boot(), Given.Fold(ChargePointState.Empty, events), Closed));
    }

    [Fact]
    public void GivenRegisteredChargePointAndClosedPolicy_WhenBoot_ThenAccepted()
    {
        var state = Given.Fold(ChargePointState.Empty, ChargePointDecider.Decide(new RegisterChargePoint(Given.Cid, Given.Now), ChargePointState.Empty));

        var events = ChargePointDecider.Decide(Boot(), state, Closed);

        Assert.Equal(RegistrationStatus.Accepted, Assert.IsType<ChargePointBooted>(Assert.Single(events)).Status);
        Assert.Empty(ChargePointDecider.Decide(new RegisterChargePoint(Given.Cid, Given.Now), state));
    }

    [Fact]
    public void GivenBooted_WhenSameBootRedelivered_ThenNoEventsAndSameStatus()
    {
        var state = Given.Fold(ChargePointState.Empty, ChargePointDecider.Decide(Boot(), ChargePointState.Empty, Open));

        Assert.Empty(ChargePointDecider.Decide(Boot(), state, Open));
        Assert.Equal(RegistrationStatus.Accepted, ChargePointDecider.Reply(Boot(), state, Open).Status);
    }

    [Fact]
    public void GivenHeartbeatRecorded_WhenRedelivered_ThenNoEvents()
    {
        var heartbeat = new Heartbeat(Given.Cid, "h-1", Given.Now);
        var events = ChargePointDecider.Decide(heartbeat, ChargePointState.Empty);

        Assert.Equal([new HeartbeatReceived(Given.Cid, "h-1", Given.Now)], events);
        Assert.Empty(ChargePointDecider.Decide(heartbeat, Given.Fold(ChargePointState.Empty, events)));
        Assert.Equal(new HeartbeatReply(Given.Now), ChargePointDecider.Reply(heartbeat));
    }

    [Fact]
    public void GivenHeartbeatIdBeforeReboot_WhenSameIdAfterBoot_ThenRecordedAgain()
    {
        var state = Given.Fold(ChargePointState.Empty, [new HeartbeatReceived(Given.Cid, "1", Given.Now)]);
        state = Given.Fold(state, ChargePointDecider.Decide(Boot(), state, Open));

        Assert.Single(ChargePointDecider.Decide(new Heartbeat(Given.Cid, "1", Given.Now), state));
    }

    [Fact]
    public void GivenManyMessages_WhenWindowOverflows_ThenOldestIdsForgottenOnly()
    {
        var state = Given.Fold(ChargePointState.Empty, Enumerable.Range(0, RecentMessages.Capacity + 1).Select(i => new HeartbeatReceived(Given.Cid, $"h-{i}", Given.Now)));

        Assert.Single(ChargePointDecider.Decide(new Heartbeat(Given.Cid, "h-0", Given.Now), state));
        Assert.Empty(ChargePointDecider.Decide(new Heartbeat(Given.Cid, "h-1", Given.Now), state));
    }

    [Fact]
    public void GivenConnector_WhenStatusNotifications_ThenStateMachineFollowsAndConnectorZeroIsTheChargePoint()
    {
        var charging = new StatusNotification(Given.Cid, "st-1", 1, "Charging", "NoError", null, Given.Now, null, null, Given.Now);
        var faulted = new StatusNotification(Given.Cid, "st-2", 0, "Faulted", "GroundFailure", "earth", null, "ACME", "E42", Given.Now);

        var events = ChargePointDecider.Decide(charging, ChargePointState.Empty).Concat(ChargePointDecider.Decide(faulted, ChargePointState.Empty)).ToList();
        var state = Given.Fold(ChargePointState.Empty, events);

        Assert.Equal(new ConnectorStatusReported(Given.Cid, "st-2", 0, "Faulted", "GroundFailure", "earth", "ACME", "E42", null, Given.Now), events[1]);
        Assert.Equal("Charging", state.Connector(1).Status);
        Assert.Equal(("Faulted", "GroundFailure", "E42"), (state.Connector(0).Status, state.Connector(0).ErrorCode, state.Connector(0).VendorErrorCode));
        Assert.Empty(ChargePointDecider.Decide(charging, state));
    }

    [Fact]
    public void GivenBlockedTag_WhenAuthorize_ThenAnsweredBlockedAndRedeliveryGetsFirstAnswer()
    {
        var blocked = IdTagState.Fold([new IdTagRegistered(Given.Tag, null, null, "P", Given.Now), new IdTagBlocked(Given.Tag, null, Given.Now)]);
        var authorize = new Authorize(Given.Cid, "a-1", Given.Tag, Given.Now);

        var events = ChargePointDecider.Decide(authorize, ChargePointState.Empty, blocked);
        var state = Given.Fold(ChargePointState.Empty, events);

        var answer = new IdTagInfo(AuthorizationStatus.Blocked, null, "P");
        Assert.Equal([new AuthorizationAnswered(Given.Cid, "a-1", Given.Tag, answer, Given.Now)], events);
        Assert.Empty(ChargePointDecider.Decide(authorize, state, Given.AcceptedTag));
        Assert.Equal(new AuthorizeReply(answer), ChargePointDecider.Reply(authorize, state, Given.AcceptedTag));
    }

    [Fact]
    public void GivenAcceptedVendors_WhenDataTransfer_ThenRecordedWithAnsweredStatus()
    {
        var policy = ChargePointPolicy.Default with { AcceptedDataTransferVendors = new HashSet<string> { "ACME" } };
        var known = new DataTransfer(Given.Cid, "d-1", "ACME", "m", "{}", Given.Now);
        var unknown = known with { UniqueId = "d-2", VendorId = "Other" };

        Assert.Equal([new DataTransferReceived(Given.Cid, "d-1", "ACME", "m", "{}", DataTransferStatus.Accepted, Given.Now)], ChargePointDecider.Decide(known, ChargePointState.Empty, policy));
        Assert.Equal(DataTransferStatus.UnknownVendorId, Assert.IsType<DataTransferReceived>(Assert.Single(ChargePointDecider.Decide(unknown, ChargePointState.Empty, policy))).ReplyStatus);
        Assert.Equal(new DataTransferReply(DataTransferStatus.UnknownVendorId, null), ChargePointDecider.Reply(unknown, policy));
    }

    [Fact]
    public void GivenChargePoint_WhenFirmwareAndDiagnosticsStatus_ThenRecordedOnce()
    {
        var firmware = new FirmwareStatusNotification(Given.Cid, "f-1", "Installing", Given.Now);
        var diagnostics = new DiagnosticsStatusNotification(Given.Cid, "g-1", "Uploaded", Given.Now);

        var events = ChargePointDecider.Decide(firmware, ChargePointState.Empty).Concat(ChargePointDecider.Decide(diagnostics, ChargePointState.Empty)).ToList();

        Assert.Equal([new FirmwareStatusReported(Given.Cid, "f-1", "Installing", Given.Now), new DiagnosticsStatusReported(Given.Cid, "g-1", "Uploaded", Given.Now)], events);
        var state = Given.Fold(ChargePointState.Empty, events);
        Assert.Empty(ChargePointDecider.Decide(firmware, state));
        Assert.Empty(ChargePointDecider.Decide(diagnostics, state));
    }

    [Fact]
    public void GivenNoTransaction_WhenMainMeterValues_ThenRecordedOnChargePoint()
    {
        var command = new RecordConnectorMeterValues(Given.Cid, "m-1", 0, [Given.Register(Given.Now, "123456")], Given.Now);

        var events = ChargePointDecider.Decide(command, ChargePointState.Empty);

        var recorded = Assert.IsType<ConnectorMeterValuesRecorded>(Assert.Single(events));
        Assert.Equal((0, 123_456L, "chargepoint-CP-1"), (recorded.ConnectorId, recorded.Samples.Single().EnergyWh!.Value, StreamIds.For(recorded)));
        Assert.Empty(ChargePointDecider.Decide(command, Given.Fold(ChargePointState.Empty, events)));
    }

    [Fact]
    public void GivenConnectionNotices_WhenRecorded_ThenStateFollowsAndSameNoticeIgnored()
    {
        var brokerTime = Given.Now - Duration.FromSeconds(2);
        var connected = new NoteConnected(Given.Cid, "ocpp 1.6", brokerTime, Given.Now);
        var events = ChargePointDecider.Decide(connected, ChargePointState.Empty);
        var state = Given.Fold(ChargePointState.Empty, events);

        Assert.Equal([new ChargePointConnected(Given.Cid, "ocpp 1.6", brokerTime, Given.Now)], events);
        Assert.True(state.Connected);
        Assert.Empty(ChargePointDecider.Decide(connected, state));
        var disconnected = ChargePointDecider.Decide(new NoteDisconnected(Given.Cid, "sock_closed", Given.Now, Given.Now), state);
        Assert.Equal([new ChargePointDisconnected(Given.Cid, "sock_closed", Given.Now, Given.Now)], disconnected);
        Assert.False(Given.Fold(state, disconnected).Connected);
    }

    [Fact]
    public void GivenGarbage_WhenRejected_ThenEvidenceKeptAndUnroutableGoesToItsOwnStream()
    {
        var reject = new RejectMessage(Given.Cid, "ocpp/cp/CP-1", "{not json"u8.ToArray(), "Malformed JSON", "FormatViolation", "u-9", Given.Now);
        var noCid = new RejectMessage(null, "ocpp/weird", "x"u8.ToArray(), "Unknown topic", null, null, Given.Now);

        var events = ChargePointDecider.Decide(reject, ChargePointState.Empty);
        var unroutable = Assert.Single(ChargePointDecider.Decide(noCid, ChargePointState.Empty));

        Assert.Equal([new MessageRejected(Given.Cid, "ocpp/cp/CP-1", "{not json", RawPayload.Utf8, "Malformed JSON", "FormatViolation", "u-9", Given.Now)], events);
        Assert.Equal(StreamIds.UnroutableRejections, StreamIds.For(unroutable));
        Assert.Empty(ChargePointDecider.Decide(reject, Given.Fold(ChargePointState.Empty, events)));
        Assert.Single(ChargePointDecider.Decide(noCid, Given.Fold(ChargePointState.Empty, [unroutable])));
    }

    [Fact]
    public void GivenBinaryOrNulBytes_WhenRejected_ThenKeptAsBase64ExactBytes()
    {
        byte[] raw = [0x7B, 0x00, 0xFF, 0xFE];

        var rejected = Assert.IsType<MessageRejected>(Assert.Single(ChargePointDecider.Decide(new RejectMessage(Given.Cid, "t", raw, "Not UTF-8", null, null, Given.Now), ChargePointState.Empty)));

        Assert.Equal(RawPayload.Base64, rejected.PayloadEncoding);
        Assert.Equal(raw, RawPayload.Decode(rejected.Payload, rejected.PayloadEncoding));
    }
}
