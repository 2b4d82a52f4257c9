using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Billing;

/// <summary>A stretch of real time during which one band (or the base prices, when null) applies.</summary>
public sealed record BandSegment(Instant Start, Instant End, TariffBand? Band);

/// <summary>
/// Splits a time range at every change of the applicable band, evaluated in the tariff's time zone.
/// Work happens in instants: inside one zone interval the UTC offset is fixed, so a local boundary maps to exactly
/// one instant; the zone's transitions (DST changes) are extra cut points. Durations are therefore real elapsed
/// time, whatever the wall clock does (a 23-hour or 25-hour night is priced for 23 or 25 hours).
/// </summary>
public static class BandSegmentation
{
    public static IReadOnlyList<BandSegment> Split(TariffDefinition tariff, Instant start, Instant stop)
    {
        var zone = tariff.Zone;
        var boundaries = tariff.Bands.SelectMany(b => b.DailyRanges()).SelectMany(r => new[] { r.From, r.To })
            .Where(t => t < TimeSpan.TicksPerDay).Append(0).Distinct().Order().ToArray();
        var segments = new List<BandSegment>();
        var t = start;
        do
        {
            var zoneInterval = zone.GetZoneInterval(t);
            var offset = zoneInterval.WallOffset;
            var local = t.WithOffset(offset).LocalDateTime;
            var next = zoneInterval.HasEnd && zoneInterval.End < stop ? zoneInterval.End : stop;
            foreach (var date in new[] { local.Date, local.Date.PlusDays(1) })
            foreach (var ticks in boundaries)
            {
                var candidate = date.At(LocalTime.FromTicksSinceMidnight(ticks)).WithOffset(offset).ToInstant();
                if (candidate > t && candidate < next) next = candidate;
            }
            var band = tariff.BandAt(local);
            if (segments.Count > 0 && ReferenceEquals(segments[^1].Band, band))
                segments[^1] = segments[^1] with { End = next };
            else
                segments.Add(new BandSegment(t, next, band));
            t = next;
        }
        while (t < stop);
        return segments;
    }
}
