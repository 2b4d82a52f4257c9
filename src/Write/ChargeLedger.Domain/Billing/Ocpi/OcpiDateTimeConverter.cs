using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Domain.Billing.Ocpi;

/// <summary>OCPI DateTime: RFC 3339 in UTC with a trailing Z, fractional seconds only when present.</summary>
public sealed class OcpiDateTimeConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("an OCPI DateTime must be a string");
        var result = InstantPattern.ExtendedIso.Parse(text.EndsWith('Z') ? text : text + "Z");
        return result.Success ? result.Value : throw new JsonException($"'{text}' is not an OCPI DateTime", result.Exception);
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}
