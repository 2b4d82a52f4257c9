using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Domain.Shared;

/// <summary>
/// Turns received sampled values into <see cref="RecordedSample"/>s through the Protocol's <see cref="MeterReading.Normalize"/>
/// (defaults, exact decimals, Wh): one implementation of meter units for the wire and the domain.
/// </summary>
public static class SampleNormalizer
{
    public static IReadOnlyList<RecordedSample> Normalize(IReadOnlyList<MeterValueInput> meterValues)
    {
        var samples = new List<RecordedSample>();
        foreach (var meterValue in meterValues)
        {
            foreach (var sampled in meterValue.SampledValues)
            {
                var reading = MeterReading.Normalize(
                    meterValue.Timestamp, sampled.Value, sampled.Context, sampled.Format, sampled.Measurand, sampled.Phase, sampled.Location, sampled.Unit);
                samples.Add(new RecordedSample(
                    reading.Timestamp,
                    reading.RawValue,
                    reading.Measurand,
                    reading.Unit,
                    reading.Context,
                    reading.Format,
                    reading.Location,
                    reading.Phase,
                    reading.Value,
                    reading.EnergyWh));
            }
        }

        return samples;
    }
}
