using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>
/// One published version of a tariff, valid from <see cref="ValidFrom"/> until the next version's start.
/// Prices exclude VAT. Outside every band the base <see cref="PricePerKwh"/> and
/// <see cref="PricePerChargingMinute"/> apply. Parking (not charging) is priced per minute once the
/// session's total parking time exceeds <see cref="ParkingGraceMinutes"/>. <see cref="MinimumPrice"/> and
/// <see cref="MaximumPrice"/> bound the net (excl. VAT) session price. <see cref="VatRatePercent"/> is e.g. 19 for 19 %.
/// </summary>
public sealed record TariffDefinition(
    string TariffId,
    Instant ValidFrom,
    string Currency,
    decimal PricePerKwh,
    decimal PricePerChargingMinute,
    decimal PricePerParkingMinute,
    int ParkingGraceMinutes,
    decimal SessionFee,
    decimal? MinimumPrice,
    decimal? MaximumPrice,
    decimal VatRatePercent,
    string TimeZoneId,
    IReadOnlyList<TariffBand> Bands)
{
    /// <summary>Value equality including the bands (a record alone would compare the list by reference).</summary>
    public bool Equals(TariffDefinition? other) =>
        other is not null
        && TariffId == other.TariffId && ValidFrom == other.ValidFrom && Currency == other.Currency
        && PricePerKwh == other.PricePerKwh && PricePerChargingMinute == other.PricePerChargingMinute
        && PricePerParkingMinute == other.PricePerParkingMinute && ParkingGraceMinutes == other.ParkingGraceMinutes
        && SessionFee == other.SessionFee && MinimumPrice == other.MinimumPrice && MaximumPrice == other.MaximumPrice
        && VatRatePercent == other.VatRatePercent && TimeZoneId == other.TimeZoneId
        && Bands.SequenceEqual(other.Bands);

    public override int GetHashCode() => HashCode.Combine(TariffId, ValidFrom, PricePerKwh, Bands.Count);

    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZoneId];

    /// <summary>The band covering a local moment, or null when the base prices apply.</summary>
    public TariffBand? BandAt(LocalDateTime local) => Bands.FirstOrDefault(b => b.Covers(local));
}
