using System.Globalization;

namespace ChargeLedger.Read.Ledger;

/// <summary>
/// Opaque cursor of ledger and CDR pages: the (position, line) of the last row returned. Rows are ordered by the
/// global position of the event that booked them, then their line within that event, which never changes.
/// </summary>
public readonly record struct LedgerCursor(long Position, int Line)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Position}.{Line}");

    /// <summary>Parses a cursor; false for anything this class did not produce.</summary>
    public static bool TryParse(string? text, out LedgerCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.') ?? -1;
        if (text is null || dot <= 0) return false;
        if (!long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var line))
            return false;
        cursor = new LedgerCursor(position, line);
        return true;
    }

    internal static LedgerCursor? Parse(string? text, string parameterName) =>
        text is null ? null
        : TryParse(text, out var cursor) ? cursor
        : throw new ArgumentException($"'{text}' is not a ledger cursor", parameterName);
}
