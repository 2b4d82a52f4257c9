using NodaTime;

namespace ChargeLedger.Primitives;

/// <summary>
/// The instants stored events carry (<c>InstantPattern.ExtendedIso</c>: <c>uuuu-MM-ddTHH:mm:ss[.f…]Z</c>, up to nine
/// fraction digits, none when zero) read from and written to UTF-8 bytes without the pattern engine: every event has
/// several, and the pattern costs more than the rest of the metadata. Anything else is left to the pattern (false here).
/// </summary>
public static class IsoInstantUtf8
{
    /// <summary>The longest text <see cref="TryFormat"/> writes: nine fraction digits.</summary>
    public const int MaxLength = 30;

    public static bool TryParse(ReadOnlySpan<byte> text, out Instant instant)
    {
        instant = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }
        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var nanoseconds = 0;
        if (text.Length > 20)
        {
            var fraction = text[20..^1];
            if (text[19] != '.' || fraction.Length is 0 or > 9 || !TryDigits(fraction, out nanoseconds))
            {
                return false;
            }
            for (var i = fraction.Length; i < 9; i++)
            {
                nanoseconds *= 10;
            }
        }
        instant = new LocalDateTime(year, month, day, hour, minute, second).InUtc().ToInstant().PlusNanoseconds(nanoseconds);
        return true;
    }

    /// <summary>The text <see cref="NodaTime.Text.InstantPattern.ExtendedIso"/> formats, for years 1–9999 (at most <see cref="MaxLength"/> bytes).</summary>
    public static bool TryFormat(Instant instant, Span<byte> output, out int written)
    {
        var utc = instant.InUtc().LocalDateTime;
        written = 0;
        if (utc.Year is < 1 or > 9999 || output.Length < MaxLength)
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
            output[written++] = (byte)'.';
            var digits = 9;
            while (nanoseconds % 10 == 0)
            {
                nanoseconds /= 10;
                digits--;
            }
            Digits(output[written..], nanoseconds, digits);
            written += digits;
        }
        output[written++] = (byte)'Z';
        return true;
    }

    private static void Digits(Span<byte> output, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            output[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (digit - '0');
        }
        return true;
    }
}
