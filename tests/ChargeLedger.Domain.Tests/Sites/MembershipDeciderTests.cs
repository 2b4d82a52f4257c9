using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Sites;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Sites;

public sealed class MembershipDeciderTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");
    private static readonly Instant June = At("2026-06-01T00:00:00Z");
    private static readonly Instant July = At("2026-07-01T00:00:00Z");
    private static readonly SiteState HafenSite = SiteState.Fold([new SiteRegistered("hafen", "Hafen", "Europe/Berlin", null, "anna", Now)]);
    private static readonly SiteState DepotSite = SiteState.Fold([new SiteRegistered("depot", "Depot", "Europe/Berlin", null, "anna", Now)]);
    private static readonly ChargePointGroupState Motorway = ChargePointGroupState.Fold([new ChargePointGroupRegistered("motorway-hpc", "Motorway HPC", "anna", Now)]);

    private static MembershipState Given(params IMembershipEvent[] events) => MembershipState.Fold(events);

    private static PlaceChargePointAtSite Place(string siteId, Instant validFrom) => new("CP-1", siteId, validFrom, "anna", Now);

    private static AddChargePointToGroup Join(Instant validFrom) => new("CP-1", "motorway-hpc", validFrom, "anna", Now);

    [Fact]
    public void GivenNoMembership_WhenPlacedAtSite_ThenPlacedFromItsStartOnly()
    {
        var events = MembershipDecider.Decide(Place("hafen", June), MembershipState.Initial, HafenSite);
        var state = events.Aggregate(MembershipState.Initial, MembershipState.Evolve);

        Assert.Equal(new ChargePointPlacedAtSite("CP-1", "hafen", June, "anna", Now), Assert.Single(events));
        Assert.Null(state.SiteAt(June - Duration.FromSeconds(1)));
        Assert.Equal("hafen", state.SiteAt(June)!.SiteId);
    }

    [Fact]
    public void GivenPlacement_WhenRepeatedOrPlacedAgainAtTheSameSiteLater_ThenNoEvents()
    {
        var state = Given(new ChargePointPlacedAtSite("CP-1", "hafen", June, "anna", Now));

        Assert.Empty(MembershipDecider.Decide(Place("hafen", June) with { ReceivedAt = Now + Duration.FromHours(1) }, state, HafenSite));
        Assert.Empty(MembershipDecider.Decide(Place("hafen", July), state, HafenSite));
    }

    [Fact]
    public void GivenPlacement_WhenMovedToAnotherSiteLater_ThenEachSiteHoldsForItsOwnPeriod()
    {
        var state = Given(new ChargePointPlacedAtSite("CP-1", "hafen", June, "anna", Now));

        state = MembershipDecider.Decide(Place("depot", July), state, DepotSite).Aggregate(state, MembershipState.Evolve);

        Assert.Equal("hafen", state.SiteAt(July - Duration.FromSeconds(1))!.SiteId);
        Assert.Equal("depot", state.SiteAt(July)!.SiteId);
    }

    [Fact]
    public void GivenPlacement_WhenMovedWithAnEarlierOrEqualStart_ThenRejectedOnValidFrom()
    {
        var state = Given(new ChargePointPlacedAtSite("CP-1", "hafen", July, "anna", Now));

        Assert.Equal("validFrom", Assert.Throws<CommandRejectedException>(() => MembershipDecider.Decide(Place("depot", July), state, DepotSite)).Field);
        Assert.Equal("validFrom", Assert.Throws<CommandRejectedException>(() => MembershipDecider.Decide(Place("depot", June), state, DepotSite)).Field);
    }

    [Fact]
    public void GivenUnregisteredSite_WhenPlacedThere_ThenRejectedOnSiteId()
    {
        Assert.Equal("siteId", Assert.Throws<CommandRejectedException>(() => MembershipDecider.Decide(Place("nowhere", June), MembershipState.Initial, SiteState.Initial)).Field);
    }

    [Fact]
    public void GivenGroupMember_WhenRemovedLater_ThenInTheGroupOnlyBetweenJoiningAndLeaving()
    {
        var state = MembershipDecider.Decide(Join(June), MembershipState.Initial, Motorway).Aggregate(MembershipState.Initial, MembershipState.Evolve);
        var left = MembershipDecider.Decide(new RemoveChargePointFromGroup("CP-1", "motorway-hpc", July, "anna", Now), state);
        state = left.Aggregate(state, MembershipState.Evolve);

        Assert.IsType<ChargePointLeftGroup>(Assert.Single(left));
        Assert.Null(state.GroupAt(June - Duration.FromSeconds(1)));
        Assert.Equal("motorway-hpc", state.GroupAt(June)!.GroupId);
        Assert.Null(state.GroupAt(July));
        Assert.Empty(MembershipDecider.Decide(new RemoveChargePointFromGroup("CP-1", "motorway-hpc", July, "anna", Now), state));
    }

    [Fact]
    public void GivenGroupMember_WhenJoiningTheSameGroupAgain_ThenNoEvents()
    {
        var state = Given(new ChargePointJoinedGroup("CP-1", "motorway-hpc", June, "anna", Now));

        Assert.Empty(MembershipDecider.Decide(Join(June), state, Motorway));
        Assert.Empty(MembershipDecider.Decide(Join(July), state, Motorway));
    }

    [Fact]
    public void GivenNoGroup_WhenRemovedFromAGroup_ThenRejectedOnGroupId()
    {
        Assert.Equal("groupId", Assert.Throws<CommandRejectedException>(() =>
            MembershipDecider.Decide(new RemoveChargePointFromGroup("CP-1", "motorway-hpc", July, "anna", Now), MembershipState.Initial)).Field);
    }

    [Fact]
    public void GivenUnregisteredGroup_WhenJoined_ThenRejectedOnGroupId()
    {
        Assert.Equal("groupId", Assert.Throws<CommandRejectedException>(() => MembershipDecider.Decide(Join(June), MembershipState.Initial, ChargePointGroupState.Initial)).Field);
    }
}
