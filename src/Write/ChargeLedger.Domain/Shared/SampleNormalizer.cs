using System.Globalization;

namespace ChargeLedger.Domain.Shared;

/// <summary>Turns received sampled values into <see cref="RecordedSample"/>s (defaults, exact decimals, Wh).</summary>
public static class SampleNormalizer
{
    public static IReadOnlyList<RecordedSample> Normalize(IReadOnlyList<MeterValueInput> meterValues)
    {
        var samples = new List<RecordedSample>();
        foreach (var meterValue in meterValues)
        {
            foreach (var sampled in meterValue.SampledValues)
            {
                samples.Add(Normalize(meterValue, sampled));
            }
        }

        return samples;
    }

    private static RecordedSample Normalize(MeterValueInput meterValue, SampledValueInput sampled)
    {
        var measurand = sampled.Measurand ?? RecordedSample.EnergyActiveImportRegister;
        var unit = sampled.Unit ?? "Wh";
        var format = sampled.Format ?? "Raw";
        decimal? number = format == "Raw" && decimal.TryParse(sampled.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
        return new RecordedSample(
            meterValue.Timestamp,
            sampled.Value,
            measurand,
            unit,
            sampled.Context ?? "Sample.Periodic",
            format,
            sampled.Location ?? "Outlet",
            sampled.Phase,
            number,
            EnergyWh(measurand, unit, number));
    }

    private static long? EnergyWh(string measurand, string unit, decimal? number)
    {
        if (number is not { } value || !measurand.StartsWith("Energy.Active.", StringComparison.Ordinal))
        {
            return null;
        }

        var wh = unit switch
        {
            "Wh" => value,
            "kWh" => value * 1000m,
            _ => (decimal?)null,
        };
        if (wh is not { } whValue || whValue > long.MaxValue || whValue < long.MinValue)
        {
            return null;
        }

        return (long)decimal.Round(whValue, MidpointRounding.ToEven);
    }
}
