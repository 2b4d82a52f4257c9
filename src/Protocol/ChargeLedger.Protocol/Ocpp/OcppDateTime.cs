using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>
/// OCPP <c>dateTime</c> values as charge points send them: ISO 8601 with or without fractional seconds (any
/// precision), with <c>Z</c> or a numeric offset. A value without zone is rejected: its instant is unknowable.
/// </summary>
public static class OcppDateTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    public static bool TryParse(string? text, out Instant instant)
    {
        instant = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }
        if (TryParseUtc(text, out instant))
        {
            return true;
        }
        var last = text[^1];
        var hasZone = last is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':') ||
            (text.Length > 5 && text[^5] is '+' or '-' && char.IsAsciiDigit(text[^4]));
        if (!hasZone)
        {
            return false;
        }
        var normalized = last == 'z' ? text[..^1] + "Z" : text;
        // "+0200" offsets (no colon) appear in the field; .NET's K wants "+02:00".
        if (normalized.Length > 5 && normalized[^5] is '+' or '-' && normalized[^3] != ':' && char.IsAsciiDigit(normalized[^4]))
        {
            normalized = normalized[..^2] + ":" + normalized[^2..];
        }
        if (normalized.Length > 10 && normalized[10] is 't' or ' ')
        {
            normalized = string.Concat(normalized.AsSpan(0, 10), "T", normalized.AsSpan(11));
        }
        if (!DateTimeOffset.TryParseExact(normalized, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return false;
        }
        instant = Instant.FromDateTimeOffset(value);
        return true;
    }

    /// <summary>
    /// The shape nearly every charge point sends, <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> with up to 7 fraction digits, read
    /// without the general parser. Anything else, and any field out of its plain range, is left to the general parser,
    /// which decides exactly as before.
    /// </summary>
    private static bool TryParseUtc(ReadOnlySpan<char> text, out Instant instant)
    {
        instant = default;
        if (text.Length is < 20 or > 28 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[^1] != 'Z'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        var ticks = 0;
        if (text.Length > 20)
        {
            var fraction = text[20..^1];
            if (text[19] != '.' || fraction.Length == 0 || !TryDigits(fraction, out ticks))
            {
                return false;
            }
            for (var i = fraction.Length; i < 7; i++)
            {
                ticks *= 10;
            }
        }
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        instant = Instant.FromUtc(year, month, day, hour, minute, second).PlusTicks(ticks);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }

    /// <summary>UTC with millisecond precision and <c>Z</c>, the form every 1.6 implementation accepts.</summary>
    public static string Format(Instant instant) =>
        instant.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>System.Text.Json converter for OCPP dateTime fields as NodaTime <see cref="Instant"/>.</summary>
public sealed class OcppInstantConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && OcppDateTime.TryParse(reader.GetString(), out var instant)
            ? instant
            : throw new JsonException("expected an ISO 8601 date-time with Z or an offset");

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(OcppDateTime.Format(value));
}
