using System.Text.Json;
using ChargeLedger.Read.Ledger;
using NodaTime;

namespace ChargeLedger.Api.Contracts;

/// <summary>One ledger entry: a positive amount is a debit, a negative one a credit.</summary>
public sealed record LedgerEntry(
    string PostingSetId,
    int EntryNo,
    string Account,
    Money Amount,
    string Kind,
    string SessionId,
    string? Reference,
    IReadOnlyList<long> SourcePositions,
    long Position,
    Instant RecordedAt,
    Instant BookedAt)
{
    public static LedgerEntry From(LedgerEntryRow r) => new(
        r.PostingSetId, r.EntryNo, r.Account, Money.Of(r.Amount, r.Currency), r.Kind, r.SessionId, r.Reference, r.SourcePositions,
        r.Position, r.RecordedAt, r.BookedAt);
}

/// <summary>An account's balance per currency (debits minus credits) as of the last posting included.</summary>
public sealed record Balance(string Account, IReadOnlyList<Money> Balances, long? AsOfPosition);

/// <summary>A page of OCPI 2.2.1 CDRs, each exactly as issued.</summary>
public sealed record CdrPage(IReadOnlyList<JsonElement> Items, string? Next);
