using ChargeLedger.Domain.Billing;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class SessionPricingTests
{
    private static readonly Instant Start = At("2026-06-10T08:00:00Z");

    private static SessionFacts Session(int minutes, long wh, params Interval[] parking) =>
        new(Start, Start + Duration.FromMinutes(minutes), wh, ParkingPeriods: parking);

    [Fact]
    public void GivenMinimumPrice_WhenSessionCostsLess_ThenNetIsRaisedToTheMinimum()
    {
        var priced = TariffCalculator.Price(Tariff(perKwh: 0.50m, min: 2.00m), Session(10, 1000));

        Assert.Equal(0.50m, priced.Subtotal);
        Assert.Equal(1.50m, priced.PriceLimitAdjustment);
        Assert.Equal(2.00m, priced.Net);
        Assert.Equal(0.38m, priced.Vat);
        Assert.Equal(2.38m, priced.Total);
    }

    [Fact]
    public void GivenMaximumPrice_WhenSessionCostsMore_ThenNetIsCappedAtTheMaximum()
    {
        var priced = TariffCalculator.Price(Tariff(perKwh: 0.50m, max: 20m), Session(600, 60_000));

        Assert.Equal(30m, priced.Subtotal);
        Assert.Equal(-10m, priced.PriceLimitAdjustment);
        Assert.Equal(20m, priced.Net);
    }

    [Fact]
    public void GivenSessionFee_WhenPriced_ThenFeeIsOneLineAddedOnce()
    {
        var priced = TariffCalculator.Price(Tariff(perKwh: 0.30m, sessionFee: 1.00m), Session(60, 10_000));

        var fee = Assert.Single(priced.Lines, l => l.Component == PriceComponent.SessionFee);
        Assert.Equal(1.00m, fee.Amount);
        Assert.Equal(4.00m, priced.Net);
    }

    [Fact]
    public void GivenParkingGrace_WhenCarStaysParkedLonger_ThenOnlyMinutesAfterGraceAreBilled()
    {
        var tariff = Tariff(perKwh: 0m, perMinute: 0.02m, perParkingMinute: 0.10m, graceMinutes: 30);
        var parked = new Interval(Start + Duration.FromMinutes(60), Start + Duration.FromMinutes(105));
        var priced = TariffCalculator.Price(tariff, Session(105, 5000, parked));

        Assert.Equal(Duration.FromMinutes(60), priced.ChargingTime);
        Assert.Equal(Duration.FromMinutes(45), priced.ParkingTime);
        Assert.Equal(Duration.FromMinutes(15), priced.BillableParkingTime);
        Assert.Equal(1.50m, priced.AmountOf(PriceComponent.ParkingTime));
        Assert.Equal(1.20m, priced.AmountOf(PriceComponent.ChargingTime));
        Assert.Equal(5000, priced.Periods.Single(p => p.Kind == PeriodKind.Charging).EnergyWh);
    }

    [Fact]
    public void GivenParkingWithinGrace_WhenPriced_ThenNoParkingLine()
    {
        var tariff = Tariff(perParkingMinute: 0.10m, graceMinutes: 30);
        var priced = TariffCalculator.Price(tariff, Session(60, 1000, new Interval(Start + Duration.FromMinutes(40), Start + Duration.FromMinutes(60))));

        Assert.DoesNotContain(priced.Lines, l => l.Component == PriceComponent.ParkingTime);
        Assert.Equal(Duration.FromMinutes(20), priced.ParkingTime);
    }

    [Fact]
    public void GivenHalfCentAmounts_WhenRounded_ThenEachLineRoundsHalfAwayFromZeroAndVatIsOnTheNet()
    {
        // 1.25 kWh × 0.10 = 0.125 → 0.13; 0.5 min × 0.25 = 0.125 → 0.13; VAT 19 % of 0.26 = 0.0494 → 0.05.
        var tariff = Tariff(perKwh: 0.10m, perMinute: 0.25m);
        var priced = TariffCalculator.Price(tariff, new SessionFacts(Start, Start + Duration.FromSeconds(30), 1250));

        Assert.Equal([0.13m, 0.13m], priced.Lines.Select(l => l.Amount));
        Assert.Equal(0.26m, priced.Net);
        Assert.Equal(0.05m, priced.Vat);
        Assert.Equal(0.31m, priced.Total);
    }

    [Fact]
    public void GivenZeroDecimalCurrency_WhenPriced_ThenAmountsAreWholeUnits()
    {
        var priced = TariffCalculator.Price(Tariff(currency: "JPY", zone: "Asia/Tokyo", perKwh: 33.3m, vat: 10m), Session(60, 7500));

        Assert.Equal(250m, priced.Net); // 7.5 × 33.3 = 249.75
        Assert.Equal(25m, priced.Vat);
    }

    [Fact]
    public void GivenStopBeforeStart_WhenPriced_ThenClearError()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TariffCalculator.Price(Tariff(), new SessionFacts(Start, Start - Duration.FromMinutes(1), 10)));
        Assert.Contains("before it starts", error.Message);
    }

    [Fact]
    public void GivenConnectorStatuses_WhenDetectingParking_ThenSuspendedEvAndFinishingCountButSuspendedEvseDoesNot()
    {
        var stop = Start + Duration.FromMinutes(90);
        var parking = ParkingDetection.FromConnectorStatuses(Start, stop,
        [
            (Start, "Charging"), (Start + Duration.FromMinutes(20), "SuspendedEVSE"), (Start + Duration.FromMinutes(30), "Charging"),
            (Start + Duration.FromMinutes(60), "SuspendedEV"), (Start + Duration.FromMinutes(80), "Finishing"),
        ]);

        Assert.Equal([new Interval(Start + Duration.FromMinutes(60), stop)], parking);
    }

    [Fact]
    public void GivenFlatRegisterSamples_WhenDetectingParking_ThenIntervalsWithoutEnergyAreParking()
    {
        var stop = Start + Duration.FromMinutes(30);
        var parking = ParkingDetection.FromEnergyProfile(Start, stop,
        [
            new MeterPoint(Start, 10), new MeterPoint(Start + Duration.FromMinutes(10), 500),
            new MeterPoint(Start + Duration.FromMinutes(20), 500), new MeterPoint(stop, 500),
        ]);

        Assert.Equal([new Interval(Start + Duration.FromMinutes(10), stop)], parking);
    }
}
