using NodaTime;

namespace ChargeLedger.Read.Ledger;

/// <summary>
/// Which state of the ledger to read: as it stood after global position <see cref="Position"/> and/or at
/// log time <see cref="At"/> (rows recorded at or before it). Both null: the current state.
/// </summary>
public sealed record LedgerAsOf(long? Position = null, Instant? At = null)
{
    public static LedgerAsOf Now { get; } = new();
}

/// <summary>
/// One ledger entry. Positive amounts are debits, negative credits. <see cref="Position"/> is the event that caused the
/// booking, <see cref="SourcePositions"/> the events the amounts derive from; <see cref="Reference"/> is the reversed
/// posting set (reversal) or the complaint resolution (refund).
/// </summary>
public sealed record LedgerEntryRow(
    string PostingSetId,
    int EntryNo,
    string Account,
    decimal Amount,
    string Currency,
    string Kind,
    string SessionId,
    string? Reference,
    IReadOnlyList<long> SourcePositions,
    long Position,
    Instant RecordedAt,
    Instant BookedAt);

/// <summary>A page of rows in a stable order; pass <see cref="NextCursor"/> back to read on (null: no more rows).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record CurrencyAmount(string Currency, decimal Amount);

/// <summary>An account's balance per currency (debits minus credits) as of <see cref="AsOfPosition"/> (the last posting included).</summary>
public sealed record AccountBalance(string Account, IReadOnlyList<CurrencyAmount> Balances, long? AsOfPosition);

/// <summary>The whole ledger's sum per currency; <see cref="Balanced"/> when every currency sums to zero.</summary>
public sealed record LedgerTotals(IReadOnlyList<CurrencyAmount> Sums, long PostingCount)
{
    public bool Balanced => Sums.All(s => s.Amount == 0m);
}

/// <summary>One stored CDR: filter columns plus the OCPI 2.2.1 JSON exactly as issued.</summary>
public sealed record CdrRow(
    string CdrId,
    string SessionId,
    Instant StartDateTime,
    Instant EndDateTime,
    Instant LastUpdated,
    bool Credit,
    string? CreditReferenceId,
    string Currency,
    decimal TotalExclVat,
    decimal? TotalInclVat,
    long Position,
    string Json);

/// <summary>
/// What a session costs now. <see cref="Status"/> is one of <see cref="SessionCostStatuses"/>; when unpriced,
/// <see cref="UnpricedReason"/> says why. Amounts are the effective charge (after corrections), before refunds;
/// <see cref="Refunded"/> is what complaints refunded (incl. VAT). <see cref="Discrepancy"/> notes a meter cross-check failure.
/// </summary>
public sealed record SessionCost(
    int TransactionId,
    string SessionId,
    string Status,
    string? UnpricedReason,
    string? BillingAccount,
    string? TariffId,
    Instant? TariffValidFrom,
    string? Currency,
    long? EnergyWh,
    decimal? Net,
    decimal? VatRatePercent,
    decimal? Vat,
    decimal? Total,
    decimal Refunded,
    string? Discrepancy,
    long? PricedAtPosition);

public static class SessionCostStatuses
{
    /// <summary>Started, not stopped yet.</summary>
    public const string Open = "open";
    public const string Priced = "priced";
    public const string Unpriced = "unpriced";
}

/// <summary>A refund the ledger refused (the complaint stays resolved; billing staff follow up).</summary>
public sealed record RefundRejection(
    string ComplaintId, string ResolutionId, string? SessionId, decimal Amount, string? Currency, string Reason, long Position, Instant RecordedAt);
