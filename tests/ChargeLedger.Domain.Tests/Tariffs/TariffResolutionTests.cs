using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class TariffResolutionTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");
    private static readonly Instant June = At("2026-06-01T00:00:00Z");
    private static readonly Instant July = At("2026-07-01T00:00:00Z");
    private static readonly Instant August = At("2026-08-01T00:00:00Z");

    private static readonly SiteTariffAssigned SiteFromJune = new("hafen", "site-ac", June, "anna", Now);
    private static readonly GroupTariffAssigned GroupFromJuly = new("motorway-hpc", "hpc", July, "anna", Now);
    private static readonly TariffAssigned OwnFromAugust = new("CP-1", "own", August, "anna", Now);
    private static readonly ChargePointPlacedAtSite AtHafen = new("CP-1", "hafen", June, "anna", Now);
    private static readonly ChargePointJoinedGroup InMotorway = new("CP-1", "motorway-hpc", June, "anna", Now);

    private static ResolvedAssignment? Resolve(Instant at, MembershipState membership, params TariffAssigned[] own) =>
        TariffResolution.Resolve("CP-1", own, membership,
            groupId => groupId == "motorway-hpc" ? [GroupFromJuly] : [],
            siteId => siteId == "hafen" ? [SiteFromJune] : [],
            at);

    [Fact]
    public void GivenSiteGroupAndOwnAssignments_WhenResolvedOverTime_ThenTheMostSpecificValidAtTheStartWins()
    {
        var membership = MembershipState.Fold([AtHafen, InMotorway]);

        Assert.Null(Resolve(June - Duration.FromSeconds(1), membership, OwnFromAugust));
        Assert.Equal((TariffScope.Site, "site-ac", (IMembershipEvent?)AtHafen), Summary(Resolve(June, membership, OwnFromAugust)));
        Assert.Equal((TariffScope.Group, "hpc", (IMembershipEvent?)InMotorway), Summary(Resolve(July, membership, OwnFromAugust)));
        Assert.Equal((TariffScope.ChargePoint, "own", (IMembershipEvent?)null), Summary(Resolve(August, membership, OwnFromAugust)));
    }

    [Fact]
    public void GivenAGroupWithoutAssignmentAtTheStart_WhenResolved_ThenTheSiteStillPrices()
    {
        var membership = MembershipState.Fold([AtHafen, InMotorway]);

        Assert.Equal(TariffScope.Site, Resolve(July - Duration.FromSeconds(1), membership)!.Scope);
    }

    [Fact]
    public void GivenAChargePointThatLeftItsGroup_WhenResolvedAfterLeaving_ThenItsSitePrices()
    {
        var membership = MembershipState.Fold([AtHafen, InMotorway, new ChargePointLeftGroup("CP-1", "motorway-hpc", August, "anna", Now)]);

        Assert.Equal(TariffScope.Group, Resolve(August - Duration.FromSeconds(1), membership)!.Scope);
        Assert.Equal(TariffScope.Site, Resolve(August, membership)!.Scope);
    }

    [Fact]
    public void GivenAChargePointPlacedAtTheSiteAfterTheStart_WhenResolved_ThenTheSiteDoesNotPrice()
    {
        var membership = MembershipState.Fold([AtHafen with { ValidFrom = August }]);

        Assert.Null(Resolve(July, membership));
        Assert.Equal(TariffScope.Site, Resolve(August, membership)!.Scope);
    }

    private static (TariffScope, string, IMembershipEvent?) Summary(ResolvedAssignment? resolved) =>
        (resolved!.Scope, resolved.Assignment.TariffId, resolved.Membership);
}
