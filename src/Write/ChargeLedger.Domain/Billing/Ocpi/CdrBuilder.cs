using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Billing.Ocpi;

/// <summary>Who issues the CDR and the session facts that pricing does not carry.</summary>
public sealed record CdrContext(
    string CountryCode,
    string PartyId,
    string CdrId,
    string? SessionId,
    CdrToken Token,
    AuthMethod AuthMethod,
    string? AuthorizationReference,
    CdrLocation Location,
    string? MeterId = null,
    SignedData? SignedData = null);

/// <summary>Builds OCPI 2.2.1 CDRs from priced sessions, and credit CDRs that cancel issued ones.</summary>
public static class CdrBuilder
{
    // Hours are given to 6 decimals (3.6 ms), enough for an eMSP to recompute per-second TIME prices.
    private const int HourDecimals = 6;

    public static Cdr Build(CdrContext context, PricedSession priced, TariffDefinition tariff, Instant lastUpdated)
    {
        if (priced.TariffId != tariff.TariffId || priced.TariffValidFrom != tariff.ValidFrom)
            throw new ArgumentException($"session was priced with {priced.TariffId}@{priced.TariffValidFrom}, not {tariff.TariffId}@{tariff.ValidFrom}", nameof(tariff));
        OcpiPrice? Cost(PriceComponent component) =>
            priced.Lines.Any(l => l.Component == component) ? WithVat(priced.AmountOf(component), priced) : null;

        return new Cdr(
            context.CountryCode, context.PartyId, context.CdrId, priced.Start, priced.Stop, context.SessionId,
            context.Token, context.AuthMethod, context.AuthorizationReference, context.Location, context.MeterId,
            priced.Currency,
            [OcpiTariffs.From(tariff, context.CountryCode, context.PartyId, lastUpdated)],
            priced.Periods.Select(p => Period(p, priced.TariffId)).ToList(),
            context.SignedData,
            new OcpiPrice(priced.Net, priced.Total),
            Cost(PriceComponent.SessionFee),
            priced.EnergyWh / 1000m,
            Cost(PriceComponent.Energy),
            Hours(priced.Stop - priced.Start),
            Cost(PriceComponent.ChargingTime),
            priced.ParkingTime > Duration.Zero ? Hours(priced.ParkingTime) : null,
            Cost(PriceComponent.ParkingTime),
            priced.PriceLimitAdjustment == 0 ? null : $"price limited to the tariff's {(priced.PriceLimitAdjustment > 0 ? "minimum" : "maximum")} ({priced.Net} {priced.Currency} excl. VAT)",
            Credit: null,
            CreditReferenceId: null,
            lastUpdated);
    }

    /// <summary>The credit CDR for an issued one: the same record with every cost negated, <c>credit: true</c>
    /// and <c>credit_reference_id</c> pointing at the original. Issue the corrected CDR after it.</summary>
    public static Cdr Credit(Cdr original, string creditCdrId, Instant lastUpdated)
    {
        if (original.Credit == true)
            throw new ArgumentException($"CDR {original.Id} is itself a credit CDR", nameof(original));
        return original with
        {
            Id = creditCdrId,
            TotalCost = original.TotalCost.Negated(),
            TotalFixedCost = original.TotalFixedCost?.Negated(),
            TotalEnergyCost = original.TotalEnergyCost?.Negated(),
            TotalTimeCost = original.TotalTimeCost?.Negated(),
            TotalParkingCost = original.TotalParkingCost?.Negated(),
            Credit = true,
            CreditReferenceId = original.Id,
            LastUpdated = lastUpdated,
        };
    }

    private static ChargingPeriod Period(PricedPeriod period, string tariffId)
    {
        var dimensions = new List<CdrDimension>();
        if (period.EnergyWh > 0 || period.Kind == PeriodKind.Charging)
            dimensions.Add(new CdrDimension(CdrDimensionType.Energy, period.EnergyWh / 1000m));
        dimensions.Add(new CdrDimension(period.Kind == PeriodKind.Charging ? CdrDimensionType.Time : CdrDimensionType.ParkingTime, Hours(period.Length)));
        return new ChargingPeriod(period.Start, dimensions, tariffId);
    }

    // Breakdown costs carry VAT at the tariff's rate, rounded like the total; they may differ from the total's VAT by a minor unit.
    private static OcpiPrice WithVat(decimal net, PricedSession priced) =>
        new(net, net + Currency.Round(net * priced.VatRatePercent / 100m, priced.Currency));

    private static decimal Hours(Duration duration) =>
        Math.Round((decimal)duration.BclCompatibleTicks / TimeSpan.TicksPerHour, HourDecimals, MidpointRounding.AwayFromZero);
}
