namespace ChargeLedger.Domain.Billing;

/// <summary>ISO 4217 codes and the rounding to their minor unit used everywhere in billing.</summary>
public static class Currency
{
    // ISO 4217 currencies whose minor unit is not 2 digits; every other code uses 2.
    private static readonly Dictionary<string, int> NonDefaultMinorUnits = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0,
        ["KRW"] = 0, ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0,
        ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    };

    /// <summary>True for three upper-case ASCII letters (the ISO 4217 alphabetic code shape).</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: 3 } && code.All(c => c is >= 'A' and <= 'Z');

    public static int MinorUnits(string code) =>
        NonDefaultMinorUnits.TryGetValue(code, out var digits) ? digits : 2;

    /// <summary>Rounds to the currency's minor unit, half away from zero (commercial rounding).</summary>
    public static decimal Round(decimal amount, string code) =>
        Math.Round(amount, MinorUnits(code), MidpointRounding.AwayFromZero);
}
