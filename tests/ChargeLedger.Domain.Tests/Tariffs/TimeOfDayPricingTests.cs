using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class TimeOfDayPricingTests
{
    private static decimal Minutes(PricedSession priced, PriceComponent component, string? band) =>
        priced.Lines.Single(l => l.Component == component && l.Band == band).Quantity;

    [Fact]
    public void GivenBerlinNightBand_WhenSessionSpansSpringForwardNight_ThenNightTimeIsRealElapsedSevenHours()
    {
        // 22:00 CET → 07:00 CEST on 2026-03-29: 9 wall-clock hours but 8 real hours; the night band ends at 06:00 CEST.
        var tariff = Tariff(perKwh: 0.40m, perMinute: 0.01m, bands: Band("night", 22, 6, 0.20m, 0.005m));
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-03-28T21:00:00Z"), At("2026-03-29T05:00:00Z"), 8000));

        Assert.Equal(Duration.FromHours(8), priced.ChargingTime);
        Assert.Equal(420m, Minutes(priced, PriceComponent.ChargingTime, "night"));
        Assert.Equal(60m, Minutes(priced, PriceComponent.ChargingTime, null));
        Assert.Equal(7m, Minutes(priced, PriceComponent.Energy, "night"));
        Assert.Equal(1m, Minutes(priced, PriceComponent.Energy, null));
        Assert.Equal(At("2026-03-29T04:00:00Z"), priced.Periods[1].Start);
        // 7 kWh × 0.20 + 420 min × 0.005 + 1 kWh × 0.40 + 60 min × 0.01
        Assert.Equal(1.40m + 2.10m + 0.40m + 0.60m, priced.Net);
    }

    [Fact]
    public void GivenBerlinNightBand_WhenSessionSpansFallBackNight_ThenAllTwentyFiveHourNightMinutesAreCharged()
    {
        // 22:00 CEST → 06:00 CET on 2026-10-25: 8 wall-clock hours, 9 real hours, all inside the night band.
        var tariff = Tariff(perMinute: 0.01m, bands: Band("night", 22, 6, 0.20m, 0.005m));
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-10-24T20:00:00Z"), At("2026-10-25T05:00:00Z"), 9000));

        Assert.Single(priced.Periods);
        Assert.Equal(540m, Minutes(priced, PriceComponent.ChargingTime, "night"));
        Assert.Equal(9m, Minutes(priced, PriceComponent.Energy, "night"));
    }

    [Fact]
    public void GivenBandInsideRepeatedHour_WhenSessionSpansFallBack_ThenBandAppliesTwice()
    {
        // Local 02:30–03:00 happens at 00:30–01:00 UTC (CEST) and again at 01:30–02:00 UTC (CET).
        var band = new TariffBand("late", new TimeOnly(2, 30), new TimeOnly(3, 0), 1m, 1m);
        var tariff = Tariff(bands: band);
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-10-25T00:00:00Z"), At("2026-10-25T03:00:00Z"), 0));

        Assert.Equal(60m, Minutes(priced, PriceComponent.ChargingTime, "late"));
        Assert.Equal(
            [At("2026-10-25T00:30:00Z"), At("2026-10-25T01:30:00Z")],
            priced.Periods.Where(p => p.Band == "late").Select(p => p.Start));
    }

    [Fact]
    public void GivenBandInsideSkippedHour_WhenSessionSpansSpringForward_ThenBandNeverApplies()
    {
        var band = new TariffBand("ghost", new TimeOnly(2, 15), new TimeOnly(2, 45), 1m, 1m);
        var straddling = Band("early", 2, 4, 0.30m, 0.02m);
        var priced = TariffCalculator.Price(Tariff(bands: [band, straddling]),
            new SessionFacts(At("2026-03-29T00:00:00Z"), At("2026-03-29T03:00:00Z"), 3000));

        Assert.DoesNotContain(priced.Periods, p => p.Band == "ghost");
        // 02:00–04:00 local is 01:00–02:00 UTC on this night: one real hour.
        Assert.Equal(60m, Minutes(priced, PriceComponent.ChargingTime, "early"));
    }

    [Fact]
    public void GivenShanghaiPeakBand_WhenSessionCoversLocalDaytime_ThenWholeSessionIsPeakWithoutDstShift()
    {
        var tariff = Tariff(zone: "Asia/Shanghai", currency: "CNY", perKwh: 1.0m, bands: Band("peak", 8, 20, 1.5m, 0.1m));
        // 2026-03-29 08:00–20:00 in UTC+8, the day Europe shifts its clocks.
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-03-29T00:00:00Z"), At("2026-03-29T13:00:00Z"), 13000));

        Assert.Equal(720m, Minutes(priced, PriceComponent.ChargingTime, "peak"));
        Assert.Equal(12m, Minutes(priced, PriceComponent.Energy, "peak"));
        Assert.Equal(1m, Minutes(priced, PriceComponent.Energy, null));
    }

    [Fact]
    public void GivenWeekendBand_WhenSessionCrossesMidnightFridayToSaturday_ThenSplitAtLocalMidnight()
    {
        var weekend = new TariffBand("weekend", new TimeOnly(0, 0), new TimeOnly(0, 0), 0.25m, 0m,
            [IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday]);
        var tariff = Tariff(perKwh: 0.45m, bands: weekend);
        // Friday 2026-06-05 23:00 CEST → Saturday 01:00 CEST.
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-06-05T21:00:00Z"), At("2026-06-05T23:00:00Z"), 2000));

        Assert.Equal([null, "weekend"], priced.Periods.Select(p => p.Band));
        Assert.Equal(At("2026-06-05T22:00:00Z"), priced.Periods[1].Start);
        Assert.Equal(0.45m + 0.25m, priced.Net);
    }

    [Fact]
    public void GivenEnergyProfile_WhenEnergyWasDrawnBeforeTheBandChange_ThenEnergyFollowsTheProfile()
    {
        var tariff = Tariff(perKwh: 0.40m, bands: Band("night", 22, 6, 0.20m));
        var start = At("2026-06-10T19:00:00Z"); // 21:00 CEST
        var profile = new[]
        {
            new MeterPoint(start, 100_000), new MeterPoint(At("2026-06-10T20:00:00Z"), 109_000),
            new MeterPoint(At("2026-06-10T21:00:00Z"), 110_000),
        };
        var priced = TariffCalculator.Price(tariff, new SessionFacts(start, At("2026-06-10T21:00:00Z"), 10_000, profile));

        Assert.Equal(9000, priced.Periods.Single(p => p.Band is null).EnergyWh);
        Assert.Equal(1000, priced.Periods.Single(p => p.Band == "night").EnergyWh);
    }

    [Fact]
    public void GivenOddEnergySplit_WhenAllocatedOverBands_ThenWholeWattHoursAddUpToTheMeteredTotal()
    {
        var tariff = Tariff(bands: [Band("a", 10, 11, 0.3m), Band("b", 11, 12, 0.3m)]);
        var priced = TariffCalculator.Price(tariff, new SessionFacts(At("2026-06-10T08:00:00Z"), At("2026-06-10T11:00:00Z"), 1001));

        Assert.Equal(1001, priced.Periods.Sum(p => p.EnergyWh));
        Assert.Equal(3, priced.Periods.Count);
    }
}
