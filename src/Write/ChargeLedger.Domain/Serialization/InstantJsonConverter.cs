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

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[30];
        if (TryFormat(value, text, out var written))
        {
            writer.WriteStringValue(text[..written]);
        }
        else
        {
            writer.WriteStringValue(Pattern.Format(value));
        }
    }

    /// <summary>
    /// The same text as <see cref="InstantPattern.ExtendedIso"/> (fraction trimmed of trailing zeros, none when zero)
    /// for years 1–9999, written without the pattern engine: every stored event carries several instants.
    /// </summary>
    private static bool TryFormat(Instant value, Span<byte> output, out int written)
    {
        var utc = value.InUtc();
        written = 0;
        if (utc.Year is < 1 or > 9999)
        {
            return false;
        }

        Digits(output, utc.Year, 4);
        output[4] = (byte)'-';
        Digits(output[5..], utc.Month, 2);
        output[7] = (byte)'-';
        Digits(output[8..], utc.Day, 2);
        output[10] = (byte)'T';
        Digits(output[11..], utc.Hour, 2);
        output[13] = (byte)':';
        Digits(output[14..], utc.Minute, 2);
        output[16] = (byte)':';
        Digits(output[17..], utc.Second, 2);
        written = 19;
        if (utc.NanosecondOfSecond is var nanoseconds and > 0)
        {
            output[19] = (byte)'.';
            Digits(output[20..], nanoseconds, 9);
            written = 29;
            while (output[written - 1] == (byte)'0')
            {
                written--;
            }
        }

        output[written++] = (byte)'Z';
        return true;
    }

    private static void Digits(Span<byte> output, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            output[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
