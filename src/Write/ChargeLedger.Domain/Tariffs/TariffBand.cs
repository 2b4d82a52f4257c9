using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>
/// A time-of-day band in the tariff's time zone, with its own energy and charging-time prices.
/// The band covers local times in [<see cref="Start"/>, <see cref="End"/>); when End ≤ Start it wraps
/// over midnight, and Start = End covers the whole day. <see cref="DaysOfWeek"/> (empty or null = every day)
/// is matched against the local date of each moment, so a 22:00–06:00 band on Friday covers
/// Friday 00:00–06:00 and Friday 22:00–24:00.
/// </summary>
public sealed record TariffBand(
    string Name,
    TimeOnly Start,
    TimeOnly End,
    decimal PricePerKwh,
    decimal PricePerChargingMinute,
    IReadOnlyList<IsoDayOfWeek>? DaysOfWeek = null)
{
    public bool AppliesOn(IsoDayOfWeek day) => DaysOfWeek is not { Count: > 0 } || DaysOfWeek.Contains(day);

    public bool Covers(LocalDateTime local) => AppliesOn(local.DayOfWeek) && CoversTimeOfDay(local.TimeOfDay.ToTimeOnly());

    /// <summary>The band's local-time ranges within one day as [from, to) ticks since midnight.</summary>
    public IEnumerable<(long From, long To)> DailyRanges()
    {
        if (Start == End) { yield return (0, TimeSpan.TicksPerDay); yield break; }
        if (Start < End) { yield return (Start.Ticks, End.Ticks); yield break; }
        yield return (Start.Ticks, TimeSpan.TicksPerDay);
        if (End.Ticks > 0) yield return (0, End.Ticks);
    }

    /// <summary>Value equality including the days (order does not matter).</summary>
    public bool Equals(TariffBand? other) =>
        other is not null && Name == other.Name && Start == other.Start && End == other.End
        && PricePerKwh == other.PricePerKwh && PricePerChargingMinute == other.PricePerChargingMinute
        && (DaysOfWeek ?? []).Order().SequenceEqual((other.DaysOfWeek ?? []).Order());

    public override int GetHashCode() => HashCode.Combine(Name, Start, End, PricePerKwh, PricePerChargingMinute);

    private bool CoversTimeOfDay(TimeOnly time) => DailyRanges().Any(r => time.Ticks >= r.From && time.Ticks < r.To);
}
