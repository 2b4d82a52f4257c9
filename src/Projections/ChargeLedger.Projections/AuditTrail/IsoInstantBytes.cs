using NodaTime;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// The instants the domain writes (<c>InstantPattern.ExtendedIso</c>) are nearly always whole seconds,
/// <c>uuuu-MM-ddTHH:mm:ssZ</c>: read from their UTF-8 bytes without making a string. Anything else (fractions, out of
/// range fields) is left to NodaTime's parser.
/// </summary>
internal static class IsoInstantBytes
{
    public static bool TryParseWholeSeconds(ReadOnlySpan<byte> text, out Instant instant)
    {
        instant = default;
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
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
        instant = new LocalDateTime(year, month, day, hour, minute, second).InUtc().ToInstant();
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
