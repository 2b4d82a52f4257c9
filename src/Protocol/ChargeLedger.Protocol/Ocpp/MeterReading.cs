using System.Globalization;
using ChargeLedger.Protocol.Ocpp.Messages;
using NodaTime;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>
/// One sampled value with the 1.6 defaults applied. Active energy in Wh/kWh is normalised to integer <see cref="EnergyWh"/>
/// (rounded half to even, the exact decimal stays in <see cref="Value"/>); other measurands and units keep their decimal value.
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
    /// Normalises one sample. A Raw value that is not a decimal number, or energy beyond the Wh range, throws
    /// <see cref="FormatException"/> naming the value, so the caller can record it as invalid instead of guessing.
    /// </summary>
    public static MeterReading From(Instant timestamp, SampledValue sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var reading = Normalize(timestamp, sample.Value, sample.Context, sample.Format, sample.Measurand, sample.Phase, sample.Location, sample.Unit);
        if (reading.Format != SignedDataFormat && reading.Value is null)
        {
            throw new FormatException($"meter value \"{sample.Value}\" ({reading.Measurand}) is not a decimal number");
        }
        if (reading.Value is { } value && reading.EnergyWh is null && IsActiveEnergy(reading.Measurand) && WhFactor(reading.Unit) is not null)
        {
            throw new FormatException($"meter value {value} is out of range");
        }
        return reading;
    }

    /// <summary>
    /// The one normalisation of sampled values (the domain records its samples with it too): 1.6 defaults applied,
    /// a Raw value parsed as an exact decimal (<see cref="Value"/> null when it is not one), active energy in Wh or kWh
    /// as integer Wh rounded half to even (<see cref="EnergyWh"/> null for other measurands, units or out of range).
    /// Never throws: what cannot be read stays in <see cref="RawValue"/>.
    /// </summary>
    public static MeterReading Normalize(Instant timestamp, string value, string? context, string? format, string? measurand, string? phase, string? location, string? unit)
    {
        ArgumentNullException.ThrowIfNull(value);
        format ??= DefaultFormat;
        unit ??= DefaultUnit;
        measurand ??= DefaultMeasurand;
        decimal? number = format == DefaultFormat && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        long? wh = number is { } n && IsActiveEnergy(measurand) && WhFactor(unit) is { } factor ? ToWh(n, factor) : null;
        return new MeterReading(
            timestamp, value, number, unit, wh, measurand, context ?? DefaultContext, phase, location ?? DefaultLocation, format, format == SignedDataFormat ? value : null);
    }

    private static bool IsActiveEnergy(string measurand) => measurand.StartsWith("Energy.Active.", StringComparison.Ordinal);

    private static decimal? WhFactor(string unit) => unit switch
    {
        "Wh" => 1m,
        "kWh" => 1000m,
        _ => null,
    };

    private static long? ToWh(decimal value, decimal factor) =>
        decimal.Abs(value) > long.MaxValue / factor ? null : (long)decimal.Round(value * factor, 0, MidpointRounding.ToEven);
}
