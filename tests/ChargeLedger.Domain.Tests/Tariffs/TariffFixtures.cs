using ChargeLedger.Domain.Tariffs;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Domain.Tests.Tariffs;

internal static class TariffFixtures
{
    public static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    public static TariffDefinition Tariff(
        string zone = "Europe/Berlin",
        decimal perKwh = 0.40m,
        decimal perMinute = 0m,
        decimal perParkingMinute = 0m,
        int graceMinutes = 0,
        decimal sessionFee = 0m,
        decimal? min = null,
        decimal? max = null,
        decimal vat = 19m,
        string currency = "EUR",
        string validFrom = "2026-01-01T00:00:00Z",
        params TariffBand[] bands) =>
        new("ac-standard", At(validFrom), currency, perKwh, perMinute, perParkingMinute, graceMinutes, sessionFee,
            min, max, vat, zone, bands);

    public static TariffBand Band(string name, int fromHour, int toHour, decimal perKwh, decimal perMinute = 0m, params IsoDayOfWeek[] days) =>
        new(name, new TimeOnly(fromHour, 0), new TimeOnly(toHour, 0), perKwh, perMinute, days);
}
