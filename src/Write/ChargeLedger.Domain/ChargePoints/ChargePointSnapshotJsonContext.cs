using System.Text.Json.Serialization;
using ChargeLedger.Domain.Serialization;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>Source-generated JSON for <see cref="ChargePointSnapshot"/>, with the options of the stored events.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    Converters = [typeof(InstantJsonConverter)])]
[JsonSerializable(typeof(ChargePointSnapshot))]
internal sealed partial class ChargePointSnapshotJsonContext : JsonSerializerContext;
