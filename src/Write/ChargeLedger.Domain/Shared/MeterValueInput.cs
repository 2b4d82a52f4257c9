using NodaTime;

namespace ChargeLedger.Domain.Shared;

/// <summary>One OCPP SampledValue exactly as received (optional fields null when absent; defaults are applied by the domain).</summary>
public sealed record SampledValueInput(
    string Value,
    string? Context,
    string? Format,
    string? Measurand,
    string? Phase,
    string? Location,
    string? Unit);

/// <summary>One OCPP MeterValue: a device timestamp and its sampled values.</summary>
public sealed record MeterValueInput(Instant Timestamp, IReadOnlyList<SampledValueInput> SampledValues);
