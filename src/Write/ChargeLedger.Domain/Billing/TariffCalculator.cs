using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Billing;

/// <summary>Prices a finished session with one tariff version. Pure; the rounding rules are in Billing/README.md.</summary>
public static class TariffCalculator
{
    public static PricedSession Price(TariffDefinition tariff, SessionFacts session)
    {
        if (session.Stop < session.Start)
            throw new ArgumentException($"session stops ({session.Stop}) before it starts ({session.Start})", nameof(session));
        if (session.EnergyWh < 0)
            throw new ArgumentException($"session energy must not be negative (was {session.EnergyWh} Wh)", nameof(session));

        var parking = ParkingDetection.Normalize(session.ParkingPeriods ?? [], session.Start, session.Stop);
        var pieces = Cut(BandSegmentation.Split(tariff, session.Start, session.Stop), parking);
        var energy = AllocateEnergy(pieces, session);
        var periods = MergePeriods(pieces, energy);

        var chargingTime = Sum(periods.Where(p => p.Kind == PeriodKind.Charging));
        var parkingTime = Sum(periods.Where(p => p.Kind == PeriodKind.Parking));
        var billableParking = Duration.Max(Duration.Zero, parkingTime - Duration.FromMinutes(tariff.ParkingGraceMinutes));

        var lines = PriceLines(tariff, periods, billableParking);
        var subtotal = lines.Sum(l => l.Amount);
        var net = Math.Clamp(subtotal, tariff.MinimumPrice ?? decimal.MinValue, tariff.MaximumPrice ?? decimal.MaxValue);
        var vat = Currency.Round(net * tariff.VatRatePercent / 100m, tariff.Currency);
        return new PricedSession(
            tariff.TariffId, tariff.ValidFrom, tariff.Currency, session.Start, session.Stop, session.EnergyWh,
            chargingTime, parkingTime, billableParking, periods, lines,
            subtotal, net - subtotal, net, tariff.VatRatePercent, vat, net + vat);
    }

    private static List<PricedLine> PriceLines(TariffDefinition tariff, IReadOnlyList<PricedPeriod> periods, Duration billableParking)
    {
        var lines = new List<PricedLine>();
        var byBand = periods.GroupBy(p => p.Band).ToList();
        foreach (var group in byBand)
        {
            var band = tariff.Bands.FirstOrDefault(b => b.Name == group.Key);
            var wh = group.Sum(p => p.EnergyWh);
            if (wh > 0)
                lines.Add(Line(PriceComponent.Energy, group.Key, wh / 1000m, "kWh", band?.PricePerKwh ?? tariff.PricePerKwh, tariff.Currency));
        }
        foreach (var group in byBand)
        {
            var band = tariff.Bands.FirstOrDefault(b => b.Name == group.Key);
            var charging = Sum(group.Where(p => p.Kind == PeriodKind.Charging));
            if (charging > Duration.Zero)
                lines.Add(TimeLine(PriceComponent.ChargingTime, group.Key, charging, band?.PricePerChargingMinute ?? tariff.PricePerChargingMinute, tariff.Currency));
        }
        if (billableParking > Duration.Zero)
            lines.Add(TimeLine(PriceComponent.ParkingTime, null, billableParking, tariff.PricePerParkingMinute, tariff.Currency));
        if (tariff.SessionFee > 0)
            lines.Add(Line(PriceComponent.SessionFee, null, 1, "session", tariff.SessionFee, tariff.Currency));
        return lines;
    }

    private static PricedLine Line(PriceComponent component, string? band, decimal quantity, string unit, decimal unitPrice, string currency) =>
        new(component, band, quantity, unit, unitPrice, Currency.Round(quantity * unitPrice, currency));

    // Time is billed from the exact elapsed ticks; the displayed minutes are rounded to 4 decimals.
    private static PricedLine TimeLine(PriceComponent component, string? band, Duration elapsed, decimal pricePerMinute, string currency)
    {
        var minutes = (decimal)elapsed.BclCompatibleTicks / TimeSpan.TicksPerMinute;
        return new(component, band, Math.Round(minutes, 4, MidpointRounding.AwayFromZero), "min", pricePerMinute,
            Currency.Round(minutes * pricePerMinute, currency));
    }

    private sealed record Piece(Instant Start, Instant End, TariffBand? Band, bool Parking);

    private static List<Piece> Cut(IReadOnlyList<BandSegment> segments, IReadOnlyList<Interval> parking)
    {
        var pieces = new List<Piece>();
        foreach (var segment in segments)
        {
            var cuts = parking.SelectMany(p => new[] { p.Start, p.End })
                .Where(t => t > segment.Start && t < segment.End)
                .Append(segment.Start).Append(segment.End).Distinct().Order().ToList();
            if (cuts.Count == 1) cuts.Add(segment.End); // zero-length session keeps one piece
            for (var i = 1; i < cuts.Count; i++)
                pieces.Add(new Piece(cuts[i - 1], cuts[i], segment.Band, parking.Any(p => p.Contains(cuts[i - 1]))));
        }
        return pieces;
    }

    /// <summary>Splits the metered Wh over the pieces by the profile's shape (or evenly over charging time),
    /// in whole Wh by the largest-remainder method so the parts always add up to the metered total.</summary>
    private static long[] AllocateEnergy(IReadOnlyList<Piece> pieces, SessionFacts session)
    {
        var weights = session.EnergyProfile is { Count: >= 2 } profile ? ProfileWeights(pieces, profile) : new decimal[pieces.Count];
        if (weights.Sum() == 0) weights = pieces.Select(p => p.Parking ? 0m : (decimal)(p.End - p.Start).BclCompatibleTicks).ToArray();
        if (weights.Sum() == 0) weights = pieces.Select(p => (decimal)(p.End - p.Start).BclCompatibleTicks).ToArray();
        if (weights.Sum() == 0) weights = pieces.Select(_ => 1m).ToArray();

        var total = weights.Sum();
        var exact = weights.Select(w => session.EnergyWh * w / total).ToArray();
        var allocated = exact.Select(e => (long)decimal.Floor(e)).ToArray();
        var remainder = session.EnergyWh - allocated.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - allocated[i]).ThenBy(i => i).Take((int)remainder))
            allocated[i]++;
        return allocated;
    }

    // Energy between two samples is taken as drawn at constant power; a falling register contributes nothing.
    private static decimal[] ProfileWeights(IReadOnlyList<Piece> pieces, IReadOnlyList<MeterPoint> profile)
    {
        var points = profile.OrderBy(p => p.At).ToList();
        var weights = new decimal[pieces.Count];
        var first = 0;
        for (var s = 1; s < points.Count; s++)
        {
            var (a, b) = (points[s - 1], points[s]);
            var delta = Math.Max(0, b.RegisterWh - a.RegisterWh);
            var span = (b.At - a.At).BclCompatibleTicks;
            if (delta == 0 || span <= 0) continue;
            // Pieces and samples are both in time order: skip the pieces that end before this sample interval.
            while (first < pieces.Count && pieces[first].End <= a.At) first++;
            for (var i = first; i < pieces.Count && pieces[i].Start < b.At; i++)
            {
                var overlap = (Instant.Min(b.At, pieces[i].End) - Instant.Max(a.At, pieces[i].Start)).BclCompatibleTicks;
                if (overlap > 0) weights[i] += delta * (decimal)overlap / span;
            }
        }
        return weights;
    }

    private static List<PricedPeriod> MergePeriods(IReadOnlyList<Piece> pieces, long[] energy)
    {
        var periods = new List<PricedPeriod>();
        for (var i = 0; i < pieces.Count; i++)
        {
            var kind = pieces[i].Parking ? PeriodKind.Parking : PeriodKind.Charging;
            var band = pieces[i].Band?.Name;
            if (periods.Count > 0 && periods[^1].Kind == kind && periods[^1].Band == band)
                periods[^1] = periods[^1] with { End = pieces[i].End, EnergyWh = periods[^1].EnergyWh + energy[i] };
            else
                periods.Add(new PricedPeriod(pieces[i].Start, pieces[i].End, kind, band, energy[i]));
        }
        return periods;
    }

    private static Duration Sum(IEnumerable<PricedPeriod> periods) =>
        periods.Aggregate(Duration.Zero, (sum, p) => sum + p.Length);
}
