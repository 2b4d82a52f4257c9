using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Tests.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.ChargePoints;

public sealed class ChargePointSnapshotTests
{
    [Fact]
    public void GivenAChargePointWithConnectorsAStartACommandAndRecentCalls_WhenSnapshottedAndRestored_ThenItDecidesExactlyAsTheFoldedState()
    {
        var state = Given.Fold(ChargePointState.Empty, ChargePointDecider.Decide(new BootNotification(Given.Cid, "b-1", "Acme", "Fast22", null, null, null, null, null, null, null, Given.Now), ChargePointState.Empty, ChargePointPolicy.Default));
        state = Given.Fold(state, ChargePointDecider.Decide(new StatusNotification(Given.Cid, "st-1", 1, "Charging", "NoError", null, Given.Now, null, null, Given.Now), state));
        state = Given.Fold(state, ChargePointDecider.Decide(new Authorize(Given.Cid, "a-1", Given.Tag, Given.Now), state, Given.AcceptedTag));
        state = Given.Started(Given.Start(), state).ChargePoint;
        state = Given.Fold(state, RemoteCommandDecider.Decide(new RequestRemoteCommand(Given.Cid, "cmd-1", "u-1", RemoteAction.Reset, """{"type":"Soft"}""", "alice", Given.Now), state));

        var restored = ChargePointSnapshot.Deserialize(ChargePointSnapshot.Serialize(state))!;

        Assert.Equal(ChargePointSnapshot.Serialize(state), ChargePointSnapshot.Serialize(restored));
        Assert.Equal(state.Connector(1), restored.Connector(1));
        Assert.Empty(TransactionDecider.Decide(Given.Start(allocatedId: 2002), restored, Given.AcceptedTag, TransactionPolicy.Default));
        Assert.Equal(TransactionDecider.Reply(Given.Start(), state), TransactionDecider.Reply(Given.Start(), restored));
        Assert.Equal(ChargePointDecider.Reply(new Authorize(Given.Cid, "a-1", Given.Tag, Given.Now + Duration.FromDays(400)), state, Given.AcceptedTag), ChargePointDecider.Reply(new Authorize(Given.Cid, "a-1", Given.Tag, Given.Now + Duration.FromDays(400)), restored, Given.AcceptedTag));
        Assert.Empty(ChargePointDecider.Decide(new StatusNotification(Given.Cid, "st-1", 1, "Charging", "NoError", null, Given.Now, null, null, Given.Now), restored));
        Assert.Equal(RemoteCommandStatus.Requested, restored.CommandByUniqueId("u-1")!.Status);
    }

    [Theory]
    [InlineData("""{"registered":"no"}""")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void GivenBytesThatAreNotASnapshot_WhenRestored_ThenThereIsNoState(string json)
    {
        Assert.Null(ChargePointSnapshot.Deserialize(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
