using NodaTime;

namespace ChargeLedger.Domain.Billing;

/// <summary>Derives the not-charging (parking) periods of a session from what the charge point reported.</summary>
public static class ParkingDetection
{
    /// <summary>
    /// From OCPP 1.6 StatusNotification statuses of the session's connector: <c>SuspendedEV</c> (the car stopped
    /// drawing) and <c>Finishing</c> count as parking until the next status. <c>SuspendedEVSE</c> does not: the
    /// station, not the driver, paused charging.
    /// </summary>
    public static IReadOnlyList<Interval> FromConnectorStatuses(Instant start, Instant stop, IEnumerable<(Instant At, string Status)> statuses)
    {
        var ordered = statuses.OrderBy(s => s.At).ToList();
        var result = new List<Interval>();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Status is not ("SuspendedEV" or "Finishing")) continue;
            var to = i + 1 < ordered.Count ? ordered[i + 1].At : stop;
            AddClipped(result, ordered[i].At, to, start, stop);
        }
        return Merge(result);
    }

    /// <summary>From periodic register samples: every interval between two samples with no energy increase is parking.</summary>
    public static IReadOnlyList<Interval> FromEnergyProfile(Instant start, Instant stop, IEnumerable<MeterPoint> profile)
    {
        var ordered = profile.OrderBy(p => p.At).ToList();
        var result = new List<Interval>();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].RegisterWh <= ordered[i - 1].RegisterWh)
                AddClipped(result, ordered[i - 1].At, ordered[i].At, start, stop);
        }
        return Merge(result);
    }

    /// <summary>Sorts, clips to the session and joins touching or overlapping periods.</summary>
    public static IReadOnlyList<Interval> Normalize(IEnumerable<Interval> periods, Instant start, Instant stop)
    {
        var clipped = new List<Interval>();
        foreach (var p in periods) AddClipped(clipped, p.Start, p.End, start, stop);
        return Merge(clipped);
    }

    private static void AddClipped(List<Interval> into, Instant from, Instant to, Instant start, Instant stop)
    {
        var a = Instant.Max(from, start);
        var b = Instant.Min(to, stop);
        if (a < b) into.Add(new Interval(a, b));
    }

    private static List<Interval> Merge(List<Interval> periods)
    {
        var merged = new List<Interval>();
        foreach (var p in periods.OrderBy(p => p.Start))
        {
            if (merged.Count > 0 && p.Start <= merged[^1].End)
                merged[^1] = new Interval(merged[^1].Start, Instant.Max(merged[^1].End, p.End));
            else
                merged.Add(p);
        }
        return merged;
    }
}
