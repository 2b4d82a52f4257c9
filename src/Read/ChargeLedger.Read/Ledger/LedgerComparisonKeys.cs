namespace ChargeLedger.Read.Ledger;

/// <summary>
/// Keys of the billing ledger's rebuild comparison: one per session (its effective charge) and one per account and
/// currency (its balance). A rebuild after a tariff or kWh fix lists the sessions whose charge changed through
/// <see cref="SessionIdOf"/> over the report's difference keys.
/// </summary>
public static class LedgerComparisonKeys
{
    public const string SessionPrefix = "session:";

    public const string AccountPrefix = "account:";

    /// <summary>The session id of a session key, null for other keys.</summary>
    public static string? SessionIdOf(string key) => key.StartsWith(SessionPrefix, StringComparison.Ordinal) ? key[SessionPrefix.Length..] : null;

    /// <summary>The distinct sessions among rebuild difference keys, in key order.</summary>
    public static IReadOnlyList<string> AffectedSessions(IEnumerable<string> differenceKeys) =>
        differenceKeys.Select(SessionIdOf).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
