using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Tests.Shared;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.ChargePoints;

public sealed class RemoteCommandDeciderTests
{
    private static readonly RequestRemoteCommand Request =
        new(Given.Cid, "cmd-1", "u-100", RemoteAction.Reset, """{"type":"Soft"}""", "alice", Given.Now);

    private static ChargePointState Requested() => Given.Fold(ChargePointState.Empty, RemoteCommandDecider.Decide(Request, ChargePointState.Empty));

    [Fact]
    public void GivenNothing_WhenRequestedTwice_ThenOneRequestedEvent()
    {
        var events = RemoteCommandDecider.Decide(Request, ChargePointState.Empty);

        Assert.Equal([new RemoteCommandRequested(Given.Cid, "cmd-1", "u-100", RemoteAction.Reset, """{"type":"Soft"}""", "alice", Given.Now)], events);
        Assert.Empty(RemoteCommandDecider.Decide(Request, Given.Fold(ChargePointState.Empty, events)));
    }

    [Fact]
    public void GivenRequested_WhenSentThenReplied_ThenCorrelatedByUniqueIdAndRedeliveredReplyIgnored()
    {
        var state = Requested();
        var sent = RemoteCommandDecider.Decide(new MarkRemoteCommandSent(Given.Cid, "cmd-1", Given.Now), state);
        state = Given.Fold(state, sent);
        var result = new RecordRemoteCommandResult(Given.Cid, "u-100", "ocpp/cp/CP-1/Reply", """{"status":"Accepted"}""", Given.Now + Duration.FromSeconds(1));
        var replied = RemoteCommandDecider.Decide(result, state);
        state = Given.Fold(state, replied);

        Assert.Equal([new RemoteCommandSent(Given.Cid, "cmd-1", "u-100", Given.Now)], sent);
        Assert.Equal([new RemoteCommandReplied(Given.Cid, "cmd-1", "u-100", """{"status":"Accepted"}""", Given.Now + Duration.FromSeconds(1))], replied);
        Assert.Equal(RemoteCommandStatus.Replied, state.Commands["cmd-1"].Status);
        Assert.Empty(RemoteCommandDecider.Decide(result, state));
        Assert.Empty(RemoteCommandDecider.Decide(new MarkRemoteCommandSent(Given.Cid, "cmd-1", Given.Now), state));
        Assert.Empty(RemoteCommandDecider.Decide(new TimeOutRemoteCommand(Given.Cid, "cmd-1", Given.Now + Duration.FromHours(1)), state));
    }

    [Fact]
    public void GivenRequested_WhenCallError_ThenFailedRecorded()
    {
        var error = new RecordRemoteCommandError(Given.Cid, "u-100", "ocpp/cp/CP-1/Reply", "NotImplemented", "no reset", "{}", Given.Now);

        var events = RemoteCommandDecider.Decide(error, Requested());

        Assert.Equal([new RemoteCommandFailed(Given.Cid, "cmd-1", "u-100", "NotImplemented", "no reset", "{}", Given.Now)], events);
    }

    [Fact]
    public void GivenASentReset_WhenTheReplyBreaksTheResetResponseSchema_ThenTheReplyIsRecordedWithTheViolation()
    {
        var result = new RecordRemoteCommandResult(Given.Cid, "u-100", "ocpp/cp/CP-1/Reply", """{"status":"Maybe"}""", Given.Now);

        var events = RemoteCommandDecider.Decide(result, Requested());

        var replied = Assert.IsType<RemoteCommandReplied>(Assert.Single(events));
        Assert.Equal(("""{"status":"Maybe"}""", "cmd-1"), (replied.PayloadJson, replied.CommandId));
        Assert.Equal("PropertyConstraintViolation: Reset response: $.status \"Maybe\" is not one of Accepted, Rejected", replied.Violation);
        Assert.Equal(RemoteCommandStatus.Replied, Given.Fold(Requested(), events).Commands["cmd-1"].Status);
    }

    [Fact]
    public void GivenASentReset_WhenTheReplyMissesARequiredField_ThenTheViolationNamesIt()
    {
        var result = new RecordRemoteCommandResult(Given.Cid, "u-100", "ocpp/cp/CP-1/Reply", "{}", Given.Now);

        var replied = Assert.IsType<RemoteCommandReplied>(Assert.Single(RemoteCommandDecider.Decide(result, Requested())));

        Assert.Equal("OccurenceConstraintViolation: Reset response: $.status is required but missing", replied.Violation);
    }

    [Fact]
    public void GivenRequested_WhenACallErrorCarriesACodeOutsideOcpp16_ThenTheFailureIsRecordedWithTheViolation()
    {
        var error = new RecordRemoteCommandError(Given.Cid, "u-100", "ocpp/cp/CP-1/Reply", "Oops", "no reset", null, Given.Now);

        var failed = Assert.IsType<RemoteCommandFailed>(Assert.Single(RemoteCommandDecider.Decide(error, Requested())));

        Assert.Equal(("Oops", "ErrorCode 'Oops' is not an OCPP 1.6 error code"), (failed.ErrorCode, failed.Violation));
    }

    [Fact]
    public void GivenRequested_WhenTimedOut_ThenTimedOutOnceAndLateReplyIgnored()
    {
        var state = Requested();
        var events = RemoteCommandDecider.Decide(new TimeOutRemoteCommand(Given.Cid, "cmd-1", Given.Now), state);
        state = Given.Fold(state, events);

        Assert.Equal([new RemoteCommandTimedOut(Given.Cid, "cmd-1", "u-100", Given.Now)], events);
        Assert.Empty(RemoteCommandDecider.Decide(new TimeOutRemoteCommand(Given.Cid, "cmd-1", Given.Now), state));
        Assert.Empty(RemoteCommandDecider.Decide(new RecordRemoteCommandResult(Given.Cid, "u-100", "t", "{}", Given.Now), state));
    }

    [Fact]
    public void GivenNoPendingCommand_WhenReplyArrives_ThenRejectedAsEvidenceOnce()
    {
        var stray = new RecordRemoteCommandResult(Given.Cid, "u-404", "ocpp/cp/CP-1/Reply", """{"status":"Accepted"}""", Given.Now);

        var events = RemoteCommandDecider.Decide(stray, ChargePointState.Empty);

        var rejected = Assert.IsType<MessageRejected>(Assert.Single(events));
        Assert.Equal(("u-404", """{"status":"Accepted"}""", "utf8"), (rejected.UniqueId, rejected.Payload, rejected.PayloadEncoding));
        Assert.Empty(RemoteCommandDecider.Decide(stray, Given.Fold(ChargePointState.Empty, events)));
    }
}
