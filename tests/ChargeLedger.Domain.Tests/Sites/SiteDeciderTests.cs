using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Sites;

public sealed class SiteDeciderTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");
    private static readonly Instant June = At("2026-06-01T00:00:00Z");
    private static readonly Instant July = At("2026-07-01T00:00:00Z");
    private static readonly TariffState Published = TariffState.Fold([new TariffPublished(Tariff() with { TariffId = "site-ac" }, Now)]);
    private static readonly SiteRegistered Hafen = new("hh-hafen", "Hamburg Hafen", "Europe/Berlin", "Am Kai 1", "anna", Now);

    private static RegisterSite Register(string? zone = "Europe/Berlin", string? name = "Hamburg Hafen") => new("hh-hafen", name, zone, "Am Kai 1", "anna", Now);

    [Fact]
    public void GivenNoSite_WhenRegistered_ThenSiteRegistered()
    {
        Assert.Equal(Hafen, Assert.Single(SiteDecider.Decide(Register(), SiteState.Initial)));
    }

    [Fact]
    public void GivenRegisteredSite_WhenRegisteredAgainWithSameDetails_ThenNoEvents()
    {
        Assert.Empty(SiteDecider.Decide(Register() with { ReceivedAt = Now + Duration.FromHours(1) }, SiteState.Fold([Hafen])));
    }

    [Fact]
    public void GivenRegisteredSite_WhenRegisteredAgainWithOtherDetails_ThenRejectedOnSiteId()
    {
        Assert.Equal("siteId", Assert.Throws<CommandRejectedException>(() => SiteDecider.Decide(Register(name: "Elsewhere"), SiteState.Fold([Hafen]))).Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Mars/Olympus")]
    public void GivenNoSite_WhenRegisteredWithoutATzdbZone_ThenRejectedOnTimeZoneId(string? zone)
    {
        Assert.Equal("timeZoneId", Assert.Throws<CommandRejectedException>(() => SiteDecider.Decide(Register(zone), SiteState.Initial)).Field);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void GivenNoSite_WhenRegisteredWithAnUnusableId_ThenRejectedOnSiteId(string siteId)
    {
        Assert.Equal("siteId", Assert.Throws<CommandRejectedException>(() => SiteDecider.Decide(Register() with { SiteId = siteId }, SiteState.Initial)).Field);
    }

    [Fact]
    public void GivenRegisteredSite_WhenTariffAssignedTwiceAndThenLater_ThenOneEventEachAndTheLaterSupersedesFromItsStart()
    {
        var state = SiteState.Fold([Hafen]);
        var first = SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "site-ac", June, "anna", Now), state, Published);
        state = first.Aggregate(state, SiteState.Evolve);
        var repeated = SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "site-ac", June, "ben", Now + Duration.FromHours(1)), state, Published);
        var later = SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "site-ac", July, "anna", Now), state, Published);
        state = later.Aggregate(state, SiteState.Evolve);

        Assert.Equal(new SiteTariffAssigned("hh-hafen", "site-ac", June, "anna", Now), Assert.Single(first));
        Assert.Empty(repeated);
        Assert.Single(later);
        Assert.Equal(June, TariffAssignmentRules.At(state.Assignments, July - Duration.FromSeconds(1))!.ValidFrom);
        Assert.Equal(July, TariffAssignmentRules.At(state.Assignments, July)!.ValidFrom);
    }

    [Fact]
    public void GivenSiteAssignment_WhenAnEarlierStartIsAssigned_ThenRejectedOnValidFrom()
    {
        var state = SiteState.Fold([Hafen, new SiteTariffAssigned("hh-hafen", "site-ac", July, "anna", Now)]);

        Assert.Equal("validFrom", Assert.Throws<CommandRejectedException>(() =>
            SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "other", June, "anna", Now), state, Published)).Field);
    }

    [Fact]
    public void GivenUnregisteredSite_WhenTariffAssigned_ThenRejectedOnSiteId()
    {
        Assert.Equal("siteId", Assert.Throws<CommandRejectedException>(() =>
            SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "site-ac", June, "anna", Now), SiteState.Initial, Published)).Field);
    }

    [Fact]
    public void GivenATariffInAnotherZone_WhenAssignedToSite_ThenRejectedOnTariffId()
    {
        var shanghai = TariffState.Fold([new TariffPublished(Tariff("Asia/Shanghai") with { TariffId = "cn" }, Now)]);

        var rejected = Assert.Throws<CommandRejectedException>(() =>
            SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "cn", June, "anna", Now), SiteState.Fold([Hafen]), shanghai));

        Assert.Equal(("tariffId", true), (rejected.Field, rejected.Reason.Contains("Asia/Shanghai", StringComparison.Ordinal)));
    }

    [Fact]
    public void GivenUnpublishedTariff_WhenAssignedToSite_ThenRejectedOnTariffId()
    {
        Assert.Equal("tariffId", Assert.Throws<CommandRejectedException>(() =>
            SiteDecider.Decide(new AssignSiteTariff("hh-hafen", "nope", June, "anna", Now), SiteState.Fold([Hafen]), TariffState.Initial)).Field);
    }
}
