using System.Globalization;
using ChargeLedger.Protocol.Ocpp.Messages;
using NodaTime;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>
/// One sampled value with the 1.6 defaults applied. Energy in Wh/kWh is normalised to integer <see cref="EnergyWh"/>
/// (rounded half to even, the exact decimal stays in <see cref="Value"/>); other units keep their decimal value.
/// Signed data is kept verbatim in <see cref="SignedData"/> and never parsed as a number.
/// </summary>
public sealed record MeterReading(
    Instant Timestamp,
    string RawValue,
    decimal? Value,
    string Unit,
    long? EnergyWh,
    string Measurand,
    string Context,
    string? Phase,
    string Location,
    string Format,
    string? SignedData)
{
    public const string DefaultMeasurand = "Energy.Active.Import.Register";
    public const string DefaultContext = "Sample.Periodic";
    public const string DefaultLocation = "Outlet";
    public const string DefaultFormat = "Raw";
    public const string DefaultUnit = "Wh";
    public const string SignedDataFormat = "SignedData";

    /// <summary>Flattens the meter values of a MeterValues or StopTransaction request into readings.</summary>
    public static IReadOnlyList<MeterReading> From(IEnumerable<MeterValue> meterValues)
    {
        ArgumentNullException.ThrowIfNull(meterValues);
        var readings = new List<MeterReading>();
        foreach (var meterValue in meterValues)
        {
            foreach (var sample in meterValue.SampledValue)
            {
                readings.Add(From(meterValue.Timestamp, sample));
            }
        }
        return readings;
    }

    /// <summary>
    /// Normalises one sample. A Raw value that is not a decimal number throws <see cref="FormatException"/> naming
    /// the value, so the caller can record it as invalid instead of guessing.
    /// </summary>
    public static MeterReading From(Instant timestamp, SampledValue sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var format = sample.Format ?? DefaultFormat;
        var unit = sample.Unit ?? DefaultUnit;
        var measurand = sample.Measurand ?? DefaultMeasurand;
        var context = sample.Context ?? DefaultContext;
        var location = sample.Location ?? DefaultLocation;
        if (format == SignedDataFormat)
        {
            return new MeterReading(timestamp, sample.Value, null, unit, null, measurand, context, sample.Phase, location, format, sample.Value);
        }
        if (!decimal.TryParse(sample.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"meter value \"{sample.Value}\" ({measurand}) is not a decimal number");
        }
        long? wh = unit switch
        {
            "Wh" => ToWh(value, 1m),
            "kWh" => ToWh(value, 1000m),
            _ => null,
        };
        return new MeterReading(timestamp, sample.Value, value, unit, wh, measurand, context, sample.Phase, location, format, null);
    }

    private static long ToWh(decimal value, decimal factor)
    {
        if (decimal.Abs(value) > long.MaxValue / factor)
        {
            throw new FormatException($"meter value {value} is out of range");
        }
        return (long)decimal.Round(value * factor, 0, MidpointRounding.ToEven);
    }
}
