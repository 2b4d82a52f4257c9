using NodaTime;

namespace ChargeLedger.Domain.Billing;

/// <summary>
/// Produces the posting sets of a session. Nothing already posted is ever changed: a new pricing of an already charged
/// session reverses the effective charge and books a fresh one; a refund is its own set. Every function takes the sets
/// already posted for the session and returns only what must be added (empty when nothing changed), so calling it twice
/// with the same inputs adds nothing the second time.
/// </summary>
public static class Postings
{
    /// <summary>
    /// Charges a finished session, or corrects an earlier charge when <paramref name="priced"/> differs from it
    /// (late meter data, a fixed tariff). Customer is debited the total, revenue credited the net, VAT payable the VAT.
    /// </summary>
    public static IReadOnlyList<PostingSet> ForPricing(
        string sessionId, string billingAccount, PricedSession priced, IReadOnlyList<PostingSet> postedSoFar,
        IReadOnlyList<long> sourcePositions, Instant bookedAt)
    {
        var entries = NonZero(
            new LedgerEntry(LedgerAccounts.Customer(billingAccount), priced.Total),
            new LedgerEntry(LedgerAccounts.Revenue, -priced.Net),
            new LedgerEntry(LedgerAccounts.VatPayable(priced.VatRatePercent), -priced.Vat));
        var effective = Ledger.EffectiveCharge(postedSoFar);
        if (effective is not null && effective.Currency == priced.Currency && effective.Entries.SequenceEqual(entries))
            return [];

        var added = new List<PostingSet>();
        if (effective is not null)
            added.Add(new PostingSet(NextId(sessionId, postedSoFar, added), sessionId, PostingKind.Reversal, effective.Currency,
                effective.Entries.Select(e => e with { Amount = -e.Amount }).ToList(), sourcePositions, bookedAt, effective.PostingSetId));
        added.Add(new PostingSet(NextId(sessionId, postedSoFar, added), sessionId, PostingKind.Charge, priced.Currency,
            entries, sourcePositions, bookedAt));
        return added;
    }

    /// <summary>
    /// Refunds <paramref name="amountInclVat"/> to the customer because of complaint resolution <paramref name="resolutionReference"/>;
    /// revenue and VAT payable are debited with the net and VAT parts (net = amount / (1 + rate), rounded; VAT = the rest).
    /// Rejected when it would refund more than the session's effective charge minus earlier refunds.
    /// </summary>
    public static IReadOnlyList<PostingSet> Refund(
        string sessionId, string billingAccount, string resolutionReference, decimal amountInclVat, string currency,
        decimal vatRatePercent, IReadOnlyList<PostingSet> postedSoFar, IReadOnlyList<long> sourcePositions, Instant bookedAt)
    {
        if (postedSoFar.Any(s => s.Kind == PostingKind.Refund && s.Reference == resolutionReference))
            return [];
        if (amountInclVat <= 0 || Billing.Currency.Round(amountInclVat, currency) != amountInclVat)
            throw new CommandRejectedException("refundAmount", $"must be positive and in whole {currency} minor units (was {amountInclVat})");
        var customer = LedgerAccounts.Customer(billingAccount);
        var refundable = RefundableAmount(postedSoFar, customer, currency);
        if (amountInclVat > refundable)
            throw new CommandRejectedException("refundAmount", $"{amountInclVat} {currency} exceeds the refundable {refundable} {currency} of session {sessionId}");

        var net = Billing.Currency.Round(amountInclVat * 100m / (100m + vatRatePercent), currency);
        var entries = NonZero(
            new LedgerEntry(customer, -amountInclVat),
            new LedgerEntry(LedgerAccounts.Revenue, net),
            new LedgerEntry(LedgerAccounts.VatPayable(vatRatePercent), amountInclVat - net));
        return [new PostingSet(NextId(sessionId, postedSoFar, []), sessionId, PostingKind.Refund, currency, entries, sourcePositions, bookedAt, resolutionReference)];
    }

    /// <summary>What the customer was charged for the session (effective charge) minus what was refunded already.</summary>
    public static decimal RefundableAmount(IReadOnlyList<PostingSet> postedSoFar, string customerAccount, string currency)
    {
        var charged = Ledger.EffectiveCharge(postedSoFar) is { } charge && charge.Currency == currency ? charge.AmountFor(customerAccount) : 0m;
        var refunded = -postedSoFar.Where(s => s.Kind == PostingKind.Refund && s.Currency == currency).Sum(s => s.AmountFor(customerAccount));
        return charged - refunded;
    }

    // Deterministic ids, so a projection rebuild books the same ids: "{session}#1", "{session}#2", …
    private static string NextId(string sessionId, IReadOnlyList<PostingSet> postedSoFar, List<PostingSet> added) =>
        $"{sessionId}#{postedSoFar.Count + added.Count + 1}";

    private static List<LedgerEntry> NonZero(params LedgerEntry[] entries) => entries.Where(e => e.Amount != 0).ToList();
}
