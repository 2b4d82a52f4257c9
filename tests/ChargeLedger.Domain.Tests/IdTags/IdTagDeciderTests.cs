using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.IdTags;

public sealed class IdTagDeciderTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 21, 10, 0);

    private static IdTagState Registered(Instant? expiry = null) => IdTagState.Fold([new IdTagRegistered("TAG", "ACC-1", expiry, "PARENT", Now)]);

    [Fact]
    public void GivenNothing_WhenRegister_ThenRegisteredInItsStream()
    {
        var events = IdTagDecider.Decide(new RegisterIdTag("Tag", "ACC-1", null, null, Now), IdTagState.Unknown);

        Assert.Equal([new IdTagRegistered("Tag", "ACC-1", null, null, Now)], events);
        Assert.Equal("idtag-TAG", StreamIds.For(events[0]));
    }

    [Fact]
    public void GivenRegistered_WhenSameRegistrationAgain_ThenNoEvents()
    {
        Assert.Empty(IdTagDecider.Decide(new RegisterIdTag("TAG", "ACC-1", null, "PARENT", Now), Registered()));
    }

    [Fact]
    public void GivenRegistered_WhenRegisteredWithOtherDetails_ThenReRegistered()
    {
        Assert.Single(IdTagDecider.Decide(new RegisterIdTag("TAG", "ACC-2", null, "PARENT", Now), Registered()));
    }

    [Fact]
    public void GivenRegistered_WhenBlockTwiceThenUnblockTwice_ThenOneEventEach()
    {
        var state = Registered();
        var blocked = IdTagDecider.Decide(new BlockIdTag("TAG", "stolen", Now), state);
        state = blocked.Aggregate(state, IdTagState.Evolve);

        Assert.Equal([new IdTagBlocked("TAG", "stolen", Now)], blocked);
        Assert.Empty(IdTagDecider.Decide(new BlockIdTag("TAG", "stolen", Now), state));
        var unblocked = IdTagDecider.Decide(new UnblockIdTag("TAG", Now), state);
        Assert.Equal([new IdTagUnblocked("TAG", Now)], unblocked);
        Assert.Empty(IdTagDecider.Decide(new UnblockIdTag("TAG", Now), unblocked.Aggregate(state, IdTagState.Evolve)));
    }

    [Fact]
    public void GivenRegistered_WhenLinkedToAccount_ThenLinkedOnce()
    {
        var events = IdTagDecider.Decide(new LinkIdTagToAccount("TAG", "ACC-9", Now), Registered());
        var state = events.Aggregate(Registered(), IdTagState.Evolve);

        Assert.Equal([new IdTagLinkedToAccount("TAG", "ACC-9", Now)], events);
        Assert.Equal("ACC-9", state.BillingAccount);
        Assert.Empty(IdTagDecider.Decide(new LinkIdTagToAccount("TAG", "ACC-9", Now), state));
    }

    [Fact]
    public void GivenRegistered_WhenExpired_ThenAuthorizationsFromExpiryAnswerExpired()
    {
        var events = IdTagDecider.Decide(new ExpireIdTag("TAG", Now, Now), Registered());
        var state = events.Aggregate(Registered(), IdTagState.Evolve);

        Assert.Equal([new IdTagExpired("TAG", Now, Now)], events);
        Assert.Equal(new IdTagInfo(AuthorizationStatus.Accepted, Now, "PARENT"), IdTagDecider.Authorize(state, Now - Duration.FromSeconds(1)));
        Assert.Equal(new IdTagInfo(AuthorizationStatus.Expired, Now, "PARENT"), IdTagDecider.Authorize(state, Now));
        Assert.Empty(IdTagDecider.Decide(new ExpireIdTag("TAG", Now, Now), state));
    }

    [Fact]
    public void GivenBlockedAndExpired_WhenAuthorized_ThenBlockedWins()
    {
        var state = IdTagState.Evolve(Registered(Now - Duration.FromDays(1)), new IdTagBlocked("TAG", null, Now));

        Assert.Equal(AuthorizationStatus.Blocked, IdTagDecider.Authorize(state, Now).Status);
    }

    [Fact]
    public void GivenUnknownTag_WhenAuthorized_ThenInvalid()
    {
        Assert.Equal(new IdTagInfo(AuthorizationStatus.Invalid, null, null), IdTagDecider.Authorize(IdTagState.Unknown, Now));
    }
}
