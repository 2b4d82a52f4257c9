using NodaTime;

namespace ChargeLedger.Domain.Billing;

public enum PostingKind { Charge, Reversal, Refund }

/// <summary>One line of a posting set. Positive amounts are debits, negative amounts credits.</summary>
public sealed record LedgerEntry(string Account, decimal Amount);

/// <summary>
/// An immutable, balanced group of ledger entries in one currency, booked together.
/// <see cref="Reference"/> is, for a <see cref="PostingKind.Reversal"/>, the id of the set it reverses and, for a
/// <see cref="PostingKind.Refund"/>, the complaint resolution that granted it. <see cref="SourcePositions"/> are the
/// global log positions of the events the amounts derive from (transaction events, tariff version, complaint resolution).
/// </summary>
public sealed record PostingSet(
    string PostingSetId,
    string SessionId,
    PostingKind Kind,
    string Currency,
    IReadOnlyList<LedgerEntry> Entries,
    IReadOnlyList<long> SourcePositions,
    Instant BookedAt,
    string? Reference = null)
{
    public decimal Sum => Entries.Sum(e => e.Amount);

    public decimal AmountFor(string account) => Entries.Where(e => e.Account == account).Sum(e => e.Amount);
}

/// <summary>Account names used by billing postings.</summary>
public static class LedgerAccounts
{
    /// <summary>Receivable from the billing account behind an idTag (debited when a session is charged).</summary>
    public static string Customer(string billingAccount) => $"customer:{billingAccount}";

    public const string Revenue = "revenue:charging";

    /// <summary>VAT owed, one account per rate so no single rate is hard-coded.</summary>
    public static string VatPayable(decimal ratePercent) =>
        $"vat-payable:{ratePercent.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}";
}
