using System.Text.Json.Serialization;
using NodaTime;

namespace ChargeLedger.Domain.Shared;

/// <summary>
/// A sampled value as stored in events: OCPP defaults applied (context Sample.Periodic, format Raw,
/// measurand Energy.Active.Import.Register, location Outlet, unit Wh), the raw value string kept untouched
/// (signed data included), <see cref="Number"/> the exact decimal for Raw values and <see cref="EnergyWh"/>
/// the value normalised to whole Wh for active energy measurands in Wh/kWh.
/// </summary>
public sealed record RecordedSample(
    Instant Timestamp,
    string Value,
    string Measurand,
    string Unit,
    string Context,
    string Format,
    string Location,
    string? Phase,
    decimal? Number,
    long? EnergyWh)
{
    public const string EnergyActiveImportRegister = "Energy.Active.Import.Register";

    [JsonIgnore]
    public bool IsImportRegister => Measurand == EnergyActiveImportRegister && EnergyWh is not null;

    /// <summary>The MeterValues idempotency key within one transaction (connector and transaction come from the stream).</summary>
    [JsonIgnore]
    public SampleKey Key => new(Timestamp, Measurand, Phase, Location, Context);
}

public readonly record struct SampleKey(Instant Timestamp, string Measurand, string? Phase, string Location, string Context);
