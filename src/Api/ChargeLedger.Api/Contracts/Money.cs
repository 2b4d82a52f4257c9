using System.Globalization;

namespace ChargeLedger.Api.Contracts;

/// <summary>Money as a decimal string (exact, no binary floating point) with its ISO 4217 currency.</summary>
public sealed record Money(string Amount, string Currency)
{
    public static Money Of(decimal amount, string currency) => new(amount.ToString(CultureInfo.InvariantCulture), currency);
}

/// <summary>Energy as integer watt-hours plus the same in kWh as a decimal string.</summary>
public sealed record Energy(long Wh, string KWh)
{
    public static Energy Of(long wh) => new(wh, (wh / 1000m).ToString("0.000", CultureInfo.InvariantCulture));
}
