namespace ChargeLedger.Domain.Billing;

/// <summary>Reading helpers over posting sets; balances are always per currency.</summary>
public static class Ledger
{
    /// <summary>The charge of a session that no reversal has cancelled yet, or null.</summary>
    public static PostingSet? EffectiveCharge(IEnumerable<PostingSet> setsOfSession)
    {
        var sets = setsOfSession.ToList();
        var reversed = sets.Where(s => s.Kind == PostingKind.Reversal).Select(s => s.Reference).ToHashSet();
        return sets.LastOrDefault(s => s.Kind == PostingKind.Charge && !reversed.Contains(s.PostingSetId));
    }

    /// <summary>Debits minus credits of one account in one currency.</summary>
    public static decimal Balance(IEnumerable<PostingSet> sets, string account, string currency) =>
        sets.Where(s => s.Currency == currency).Sum(s => s.AmountFor(account));

    public static IReadOnlyDictionary<(string Account, string Currency), decimal> Balances(IEnumerable<PostingSet> sets) =>
        sets.SelectMany(s => s.Entries.Select(e => (Key: (e.Account, s.Currency), e.Amount)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Amount));

    /// <summary>True when every set balances and so, per currency, does the whole ledger.</summary>
    public static bool SumsToZero(IEnumerable<PostingSet> sets) =>
        sets.All(s => s.Sum == 0);
}
