using NodaTime;

namespace ChargeLedger.Domain.Billing;

public enum PriceComponent { Energy, ChargingTime, ParkingTime, SessionFee }

public enum PeriodKind { Charging, Parking }

/// <summary>One priced line: <see cref="Quantity"/> in <see cref="Unit"/> (kWh, min, session) at <see cref="UnitPrice"/>
/// (excl. VAT); <see cref="Amount"/> is rounded to the currency's minor unit. <see cref="Band"/> is null for base prices.</summary>
public sealed record PricedLine(PriceComponent Component, string? Band, decimal Quantity, string Unit, decimal UnitPrice, decimal Amount);

/// <summary>A stretch of the session with one band and one kind (charging or parking): the OCPI charging period.</summary>
public sealed record PricedPeriod(Instant Start, Instant End, PeriodKind Kind, string? Band, long EnergyWh)
{
    public Duration Length => End - Start;
}

/// <summary>
/// The price of one session under one tariff version. <see cref="Net"/> = <see cref="Subtotal"/> +
/// <see cref="PriceLimitAdjustment"/> (minimum/maximum price), <see cref="Total"/> = <see cref="Net"/> + <see cref="Vat"/>.
/// </summary>
public sealed record PricedSession(
    string TariffId,
    Instant TariffValidFrom,
    string Currency,
    Instant Start,
    Instant Stop,
    long EnergyWh,
    Duration ChargingTime,
    Duration ParkingTime,
    Duration BillableParkingTime,
    IReadOnlyList<PricedPeriod> Periods,
    IReadOnlyList<PricedLine> Lines,
    decimal Subtotal,
    decimal PriceLimitAdjustment,
    decimal Net,
    decimal VatRatePercent,
    decimal Vat,
    decimal Total)
{
    /// <summary>Sum of the rounded line amounts of one component (excl. VAT, before the min/max adjustment).</summary>
    public decimal AmountOf(PriceComponent component) => Lines.Where(l => l.Component == component).Sum(l => l.Amount);
}
