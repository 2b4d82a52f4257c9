using NodaTime;

namespace ChargeLedger.EventStore;

/// <summary>
/// Reads the instants stored events carry (<c>InstantPattern.ExtendedIso</c>: <c>uuuu-MM-ddTHH:mm:ss[.f…]Z</c>, up to
/// nine fraction digits) straight from their UTF-8 bytes: every event read from the log has several, and NodaTime's
/// pattern parser costs more than the rest of the metadata. Anything else is left to the pattern (false here).
/// </summary>
public static class IsoInstantUtf8
{
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
