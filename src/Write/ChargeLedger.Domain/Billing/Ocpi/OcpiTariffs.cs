using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Billing.Ocpi;

/// <summary>
/// Expresses a tariff version as an OCPI 2.2.1 Tariff: one element per band (restricted to its local times and days),
/// then an unrestricted element with the base prices, parking and the session fee (OCPI takes each dimension from the
/// first active element). OCPI has no parking grace; it is stated in <c>tariff_alt_text</c>. Step size is 1 (Wh, s).
/// </summary>
public static class OcpiTariffs
{
    public static OcpiTariff From(TariffDefinition tariff, string countryCode, string partyId, Instant lastUpdated)
    {
        var vat = tariff.VatRatePercent;
        var elements = tariff.Bands.Select(b => new TariffElement(
            [
                new OcpiPriceComponent(TariffDimensionType.Energy, b.PricePerKwh, vat, 1),
                new OcpiPriceComponent(TariffDimensionType.Time, b.PricePerChargingMinute * 60, vat, 1),
            ],
            Restrictions(b))).ToList();
        elements.Add(new TariffElement(
            [
                new OcpiPriceComponent(TariffDimensionType.Energy, tariff.PricePerKwh, vat, 1),
                new OcpiPriceComponent(TariffDimensionType.Time, tariff.PricePerChargingMinute * 60, vat, 1),
                new OcpiPriceComponent(TariffDimensionType.ParkingTime, tariff.PricePerParkingMinute * 60, vat, 1),
                new OcpiPriceComponent(TariffDimensionType.Flat, tariff.SessionFee, vat, 1),
            ],
            null));
        return new OcpiTariff(
            countryCode, partyId, tariff.TariffId, tariff.Currency,
            tariff.ParkingGraceMinutes > 0 ? [new DisplayText("en", $"Parking is free for the first {tariff.ParkingGraceMinutes} minutes without charging.")] : null,
            Limit(tariff.MinimumPrice, tariff), Limit(tariff.MaximumPrice, tariff),
            elements, tariff.ValidFrom, lastUpdated);
    }

    private static TariffRestrictions Restrictions(TariffBand band)
    {
        var wholeDay = band.Start == band.End;
        var days = band.DaysOfWeek is { Count: > 0 } d ? d.Select(x => (OcpiDayOfWeek)(int)x).ToList() : null;
        return new TariffRestrictions(
            wholeDay ? null : band.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            wholeDay ? null : band.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            days);
    }

    private static OcpiPrice? Limit(decimal? amount, TariffDefinition tariff) =>
        amount is { } a ? new OcpiPrice(a, a + Currency.Round(a * tariff.VatRatePercent / 100m, tariff.Currency)) : null;
}
