using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class TariffDeciderTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");

    private static TariffState Given(params ITariffEvent[] events) => TariffState.Fold(events);

    private static CommandRejectedException Rejected(TariffDefinition tariff, TariffState? state = null) =>
        Assert.Throws<CommandRejectedException>(() => TariffDecider.Decide(new PublishTariff(tariff, Now), state ?? TariffState.Initial));

    [Fact]
    public void GivenNoVersions_WhenPublishing_ThenTariffPublished()
    {
        var tariff = Tariff(bands: Band("night", 22, 6, 0.2m));
        var events = TariffDecider.Decide(new PublishTariff(tariff, Now), TariffState.Initial);

        var published = Assert.IsType<TariffPublished>(Assert.Single(events));
        Assert.Same(tariff, published.Tariff);
        Assert.Equal(Now, published.ReceivedAt);
    }

    [Fact]
    public void GivenPublishedVersion_WhenSameContentPublishedAgain_ThenNoEvents()
    {
        var state = Given(new TariffPublished(Tariff(bands: Band("night", 22, 6, 0.2m, 0m, IsoDayOfWeek.Monday)), Now));
        var again = Tariff(bands: Band("night", 22, 6, 0.20m, 0m, IsoDayOfWeek.Monday));

        Assert.Empty(TariffDecider.Decide(new PublishTariff(again, Now + Duration.FromHours(1)), state));
    }

    [Fact]
    public void GivenPublishedVersion_WhenDifferentContentWithSameOrEarlierStart_ThenRejectedOnValidFrom()
    {
        var state = Given(new TariffPublished(Tariff(validFrom: "2026-02-01T00:00:00Z"), Now));

        Assert.Equal("validFrom", Rejected(Tariff(perKwh: 0.5m, validFrom: "2026-02-01T00:00:00Z"), state).Field);
        Assert.Equal("validFrom", Rejected(Tariff(validFrom: "2026-01-15T00:00:00Z"), state).Field);
    }

    [Fact]
    public void GivenPublishedVersion_WhenLaterVersionPublished_ThenBothAreKept()
    {
        var state = Given(new TariffPublished(Tariff(), Now));
        var events = TariffDecider.Decide(new PublishTariff(Tariff(perKwh: 0.5m, validFrom: "2026-07-01T00:00:00Z"), Now), state);

        Assert.Equal(2, events.Aggregate(state, TariffState.Evolve).Versions.Count);
    }

    [Theory]
    [InlineData("pricePerKwh")]
    [InlineData("minimumPrice")]
    [InlineData("timeZoneId")]
    [InlineData("currency")]
    [InlineData("vatRatePercent")]
    public void GivenInvalidField_WhenPublishing_ThenRejectedNamingTheField(string field)
    {
        var tariff = field switch
        {
            "pricePerKwh" => Tariff(perKwh: -0.01m),
            "minimumPrice" => Tariff(min: 10m, max: 5m),
            "timeZoneId" => Tariff(zone: "Mars/Olympus_Mons"),
            "currency" => Tariff(currency: "eur"),
            _ => Tariff(vat: -1m),
        };
        Assert.Equal(field, Rejected(tariff).Field);
    }

    [Fact]
    public void GivenOverlappingBandsOnSameDay_WhenPublishing_ThenRejectedNamingBothBands()
    {
        var error = Rejected(Tariff(bands: [Band("night", 22, 6, 0.2m), Band("morning", 5, 9, 0.3m)]));

        Assert.Equal("bands[1]", error.Field);
        Assert.Contains("'morning' overlaps 'night'", error.Reason);
    }

    [Fact]
    public void GivenBandsTouchingAtABoundary_WhenPublishing_ThenAccepted()
    {
        var tariff = Tariff(bands: [Band("night", 22, 6, 0.2m), Band("morning", 6, 9, 0.3m), Band("evening", 17, 22, 0.5m)]);

        Assert.Single(TariffDecider.Decide(new PublishTariff(tariff, Now), TariffState.Initial));
    }

    [Fact]
    public void GivenWholeDayWeekendBandAndNightBand_WhenPublishing_ThenRejectedForTheSharedDay()
    {
        var error = Rejected(Tariff(bands: [Band("night", 22, 6, 0.2m), Band("weekend", 0, 0, 0.3m, 0m, IsoDayOfWeek.Sunday)]));

        Assert.Contains("on Sunday", error.Reason);
    }

    [Fact]
    public void GivenSameHoursOnDifferentDays_WhenPublishing_ThenAccepted()
    {
        var tariff = Tariff(bands: [Band("weekday", 8, 18, 0.5m, 0m, IsoDayOfWeek.Monday, IsoDayOfWeek.Friday), Band("weekend", 8, 18, 0.3m, 0m, IsoDayOfWeek.Saturday)]);

        Assert.Single(TariffDecider.Decide(new PublishTariff(tariff, Now), TariffState.Initial));
    }

    [Fact]
    public void GivenThreeVersions_WhenSelectingForASession_ThenLatestStartedAtOrBeforeSessionStartIsUsed()
    {
        var state = Given(
            new TariffPublished(Tariff(perKwh: 0.30m, validFrom: "2026-01-01T00:00:00Z"), Now),
            new TariffPublished(Tariff(perKwh: 0.35m, validFrom: "2026-04-01T00:00:00Z"), Now),
            new TariffPublished(Tariff(perKwh: 0.40m, validFrom: "2026-07-01T00:00:00Z"), Now));

        Assert.Null(state.VersionAt(At("2025-12-31T23:59:59Z")));
        Assert.Equal(0.35m, state.VersionAt(At("2026-04-01T00:00:00Z"))!.PricePerKwh);
        Assert.Equal(0.35m, state.VersionAt(At("2026-06-30T23:59:59Z"))!.PricePerKwh);
        Assert.Equal(0.40m, state.VersionAt(At("2026-08-01T00:00:00Z"))!.PricePerKwh);
    }

    [Fact]
    public void GivenWithdrawnTariff_WhenSelectingAfterWithdrawal_ThenNoTariffAndPublishingIsRejected()
    {
        var state = Given(new TariffPublished(Tariff(), Now));
        var withdraw = new WithdrawTariff("ac-standard", At("2026-09-01T00:00:00Z"), "site closed", Now);
        state = TariffDecider.Decide(withdraw, state).Aggregate(state, TariffState.Evolve);

        Assert.Empty(TariffDecider.Decide(withdraw, state));
        Assert.NotNull(state.VersionAt(At("2026-08-31T00:00:00Z")));
        Assert.Null(state.VersionAt(At("2026-09-01T00:00:00Z")));
        Assert.Equal("tariffId", Rejected(Tariff(validFrom: "2026-10-01T00:00:00Z"), state).Field);
    }

    [Fact]
    public void GivenUnknownEvent_WhenEvolving_ThenStateIsUnchanged()
    {
        Assert.Same(TariffState.Initial, TariffState.Evolve(TariffState.Initial, "something else"));
    }
}
