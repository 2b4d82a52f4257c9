using ChargeLedger.Domain.Billing;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

public static class TariffValidation
{
    /// <summary>Throws <see cref="CommandRejectedException"/> naming the first field at fault.</summary>
    public static void Validate(TariffDefinition tariff)
    {
        Require(!string.IsNullOrWhiteSpace(tariff.TariffId), "tariffId", "is required");
        Require(Currency.IsWellFormed(tariff.Currency), "currency", $"'{tariff.Currency}' is not an ISO 4217 code (three upper-case letters)");
        NonNegative(tariff.PricePerKwh, "pricePerKwh");
        NonNegative(tariff.PricePerChargingMinute, "pricePerChargingMinute");
        NonNegative(tariff.PricePerParkingMinute, "pricePerParkingMinute");
        NonNegative(tariff.SessionFee, "sessionFee");
        Require(tariff.ParkingGraceMinutes >= 0, "parkingGraceMinutes", "must not be negative");
        if (tariff.MinimumPrice is { } min) NonNegative(min, "minimumPrice");
        if (tariff.MaximumPrice is { } max) NonNegative(max, "maximumPrice");
        Require(tariff.MinimumPrice is null || tariff.MaximumPrice is null || tariff.MinimumPrice <= tariff.MaximumPrice,
            "minimumPrice", $"minimum {tariff.MinimumPrice} exceeds maximum {tariff.MaximumPrice}");
        Require(tariff.VatRatePercent is >= 0 and < 100, "vatRatePercent", "must be in [0, 100)");
        Require(tariff.TimeZoneId is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(tariff.TimeZoneId) is not null,
            "timeZoneId", $"'{tariff.TimeZoneId}' is not a tzdb zone id");
        ValidateBands(tariff.Bands ?? []);
    }

    private static void ValidateBands(IReadOnlyList<TariffBand> bands)
    {
        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            var field = $"bands[{i}]";
            Require(!string.IsNullOrWhiteSpace(band.Name), $"{field}.name", "is required");
            Require(bands.Take(i).All(b => b.Name != band.Name), $"{field}.name", $"'{band.Name}' is used twice");
            NonNegative(band.PricePerKwh, $"{field}.pricePerKwh");
            NonNegative(band.PricePerChargingMinute, $"{field}.pricePerChargingMinute");
            Require((band.DaysOfWeek ?? []).All(d => d is >= IsoDayOfWeek.Monday and <= IsoDayOfWeek.Sunday),
                $"{field}.daysOfWeek", "contains an unknown day");
            for (var j = 0; j < i; j++)
            {
                var sharedDay = Enum.GetValues<IsoDayOfWeek>().Skip(1)
                    .FirstOrDefault(d => band.AppliesOn(d) && bands[j].AppliesOn(d) && Overlap(band, bands[j]));
                Require(sharedDay == IsoDayOfWeek.None, field,
                    $"'{band.Name}' overlaps '{bands[j].Name}' on {sharedDay}");
            }
        }
    }

    private static bool Overlap(TariffBand a, TariffBand b) =>
        a.DailyRanges().Any(x => b.DailyRanges().Any(y => x.From < y.To && y.From < x.To));

    private static void NonNegative(decimal value, string field) => Require(value >= 0, field, $"must not be negative (was {value})");

    private static void Require(bool condition, string field, string reason)
    {
        if (!condition) throw new CommandRejectedException(field, reason);
    }
}
