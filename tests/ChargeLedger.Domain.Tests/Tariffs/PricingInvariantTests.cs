using ChargeLedger.Domain.Billing;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class PricingInvariantTests
{
    public static TheoryData<string> Zones() => new("Europe/Berlin", "Asia/Shanghai", "America/New_York", "Australia/Lord_Howe");

    [Theory]
    [MemberData(nameof(Zones))]
    public void GivenManySessionsAroundDstChanges_WhenPriced_ThenPeriodsTileTheSessionAndEnergyAndMoneyAddUp(string zone)
    {
        var random = new Random(20260329);
        var tariff = Tariff(zone: zone, perKwh: 0.41m, perMinute: 0.013m, perParkingMinute: 0.07m, graceMinutes: 20, sessionFee: 0.35m, min: 1m, max: 60m,
            bands: [Band("night", 22, 6, 0.19m, 0.004m), Band("peak", 17, 20, 0.63m, 0.021m, IsoDayOfWeek.Monday, IsoDayOfWeek.Friday, IsoDayOfWeek.Sunday)]);
        foreach (var anchor in new[] { "2026-03-29T00:30:00Z", "2026-10-25T00:30:00Z", "2026-03-08T06:00:00Z", "2026-04-04T15:00:00Z" })
        {
            for (var i = 0; i < 50; i++)
            {
                var start = At(anchor) + Duration.FromMinutes(random.Next(-600, 600));
                var stop = start + Duration.FromSeconds(random.Next(0, 60 * 60 * 30));
                var parkFrom = start + (stop - start) * random.NextDouble();
                var facts = new SessionFacts(start, stop, random.Next(0, 80_000), ParkingPeriods: [new Interval(parkFrom, stop)]);

                var priced = TariffCalculator.Price(tariff, facts);

                Assert.Equal(start, priced.Periods[0].Start);
                Assert.Equal(stop, priced.Periods[^1].End);
                Assert.All(priced.Periods.Zip(priced.Periods.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Start));
                Assert.Equal(stop - start, priced.ChargingTime + priced.ParkingTime);
                Assert.Equal(facts.EnergyWh, priced.Periods.Sum(p => p.EnergyWh));
                Assert.Equal(priced.Subtotal, priced.Lines.Sum(l => l.Amount));
                Assert.InRange(priced.Net, 1m, 60m);
                Assert.Equal(priced.Net + priced.Vat, priced.Total);
                Assert.All(priced.Lines, l => Assert.Equal(decimal.Round(l.Amount, 2), l.Amount));
            }
        }
    }
}
