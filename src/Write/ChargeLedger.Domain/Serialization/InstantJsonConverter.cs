using System.Text.Json;
using System.Text.Json.Serialization;
using ChargeLedger.Primitives;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Domain.Serialization;

/// <summary>An <see cref="Instant"/> as an ISO-8601 UTC string ("2026-11-21T10:00:00.123Z", up to nanoseconds), read and written without the pattern engine where it can (<see cref="IsoInstantUtf8"/>).</summary>
public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    private static readonly InstantPattern Pattern = InstantPattern.ExtendedIso;

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && IsoInstantUtf8.TryParse(reader.ValueSpan, out var instant))
        {
            return instant;
        }
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = Pattern.Parse(text ?? string.Empty);
        return result.Success ? result.Value : throw new JsonException($"Not an ISO-8601 instant: '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[IsoInstantUtf8.MaxLength];
        if (IsoInstantUtf8.TryFormat(value, text, out var written))
        {
            writer.WriteStringValue(text[..written]);
        }
        else
        {
            writer.WriteStringValue(Pattern.Format(value));
        }
    }
}
