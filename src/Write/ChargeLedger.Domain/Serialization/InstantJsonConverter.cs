using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Domain.Serialization;

/// <summary>Writes an <see cref="Instant"/> as an ISO-8601 UTC string ("2026-11-21T10:00:00.123Z", up to nanoseconds).</summary>
public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    private static readonly InstantPattern Pattern = InstantPattern.ExtendedIso;

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = Pattern.Parse(text ?? string.Empty);
        return result.Success ? result.Value : throw new JsonException($"Not an ISO-8601 instant: '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Pattern.Format(value));
}
