using ChargeLedger.Domain.Billing;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Billing;

public sealed class PostingsTests
{
    private const string Session = "transaction-42";
    private const string Account = "fleet-7";
    private static readonly string Customer = LedgerAccounts.Customer(Account);
    private static readonly Instant Start = At("2026-06-10T08:00:00Z");
    private static readonly Instant Booked = At("2026-06-10T10:00:00Z");

    private static PricedSession Priced(long wh, decimal perKwh = 0.40m) =>
        TariffCalculator.Price(Tariff(perKwh: perKwh), new SessionFacts(Start, Start + Duration.FromHours(1), wh));

    private static List<PostingSet> Post(List<PostingSet> ledger, PricedSession priced, params long[] sources)
    {
        ledger.AddRange(Postings.ForPricing(Session, Account, priced, ledger, sources, Booked));
        return ledger;
    }

    [Fact]
    public void GivenFinishedSession_WhenPosted_ThenCustomerRevenueAndVatBalanceToZeroAndReferenceSources()
    {
        var set = Assert.Single(Postings.ForPricing(Session, Account, Priced(10_000), [], [101, 117, 140], Booked));

        Assert.Equal(PostingKind.Charge, set.Kind);
        Assert.Equal(4.76m, set.AmountFor(Customer));
        Assert.Equal(-4.00m, set.AmountFor(LedgerAccounts.Revenue));
        Assert.Equal(-0.76m, set.AmountFor(LedgerAccounts.VatPayable(19m)));
        Assert.Equal(0m, set.Sum);
        Assert.Equal([101L, 117L, 140L], set.SourcePositions);
        Assert.Equal("transaction-42#1", set.PostingSetId);
    }

    [Fact]
    public void GivenPostedSession_WhenSamePricingPostedAgain_ThenNothingIsAdded()
    {
        var ledger = Post([], Priced(10_000), 101);

        Assert.Empty(Postings.ForPricing(Session, Account, Priced(10_000), ledger, [101], Booked));
    }

    [Fact]
    public void GivenPostedSession_WhenLateDataChangesThePrice_ThenReversalAndNewChargeKeepLedgerAtZero()
    {
        var ledger = Post([], Priced(10_000), 101);
        var original = ledger.ToList();
        Post(ledger, Priced(12_500), 101, 160);

        Assert.Equal(original, ledger.Take(1));
        Assert.Equal([PostingKind.Charge, PostingKind.Reversal, PostingKind.Charge], ledger.Select(s => s.Kind));
        Assert.Equal("transaction-42#1", ledger[1].Reference);
        Assert.True(Ledger.SumsToZero(ledger));
        Assert.Equal(5.95m, Ledger.Balance(ledger, Customer, "EUR"));
        Assert.Equal(-5.00m, Ledger.Balance(ledger, LedgerAccounts.Revenue, "EUR"));
        Assert.Same(ledger[2], Ledger.EffectiveCharge(ledger));
    }

    [Fact]
    public void GivenTwoCorrections_WhenPosted_ThenOnlyTheEffectiveChargeIsReversedEachTime()
    {
        var ledger = Post(Post(Post([], Priced(10_000), 1), Priced(12_000), 2), Priced(8_000), 3);

        Assert.Equal("transaction-42#3", ledger[3].Reference);
        Assert.Equal(3.81m, Ledger.Balance(ledger, Customer, "EUR")); // 8 kWh × 0.40 × 1.19
        Assert.All(Ledger.Balances(ledger).GroupBy(b => b.Key.Currency), c => Assert.Equal(0m, c.Sum(b => b.Value)));
    }

    [Fact]
    public void GivenChargedSession_WhenRefunded_ThenCustomerIsCreditedAndNetAndVatAreSplit()
    {
        var ledger = Post([], Priced(10_000), 101);
        var refund = Assert.Single(Postings.Refund(Session, Account, "complaint-9/r1", 1.19m, "EUR", 19m, ledger, [300], Booked));
        ledger.Add(refund);

        Assert.Equal(PostingKind.Refund, refund.Kind);
        Assert.Equal(1.00m, refund.AmountFor(LedgerAccounts.Revenue));
        Assert.Equal(0.19m, refund.AmountFor(LedgerAccounts.VatPayable(19m)));
        Assert.Equal(3.57m, Ledger.Balance(ledger, Customer, "EUR"));
        Assert.True(Ledger.SumsToZero(ledger));
        Assert.Empty(Postings.Refund(Session, Account, "complaint-9/r1", 1.19m, "EUR", 19m, ledger, [300], Booked));
    }

    [Fact]
    public void GivenPartlyRefundedSession_WhenRefundExceedsTheRest_ThenRejected()
    {
        var ledger = Post([], Priced(10_000), 101);
        ledger.AddRange(Postings.Refund(Session, Account, "r1", 4.00m, "EUR", 19m, ledger, [300], Booked));

        var error = Assert.Throws<CommandRejectedException>(() =>
            Postings.Refund(Session, Account, "r2", 0.77m, "EUR", 19m, ledger, [301], Booked));
        Assert.Equal("refundAmount", error.Field);
        Assert.Contains("refundable 0.76", error.Reason);
    }

    [Fact]
    public void GivenRefundedSession_WhenCorrected_ThenRefundStaysAndLedgerStillSumsToZero()
    {
        var ledger = Post([], Priced(10_000), 101);
        ledger.AddRange(Postings.Refund(Session, Account, "r1", 1.00m, "EUR", 19m, ledger, [300], Booked));
        Post(ledger, Priced(10_000, perKwh: 0.30m), 101, 400);

        Assert.Equal(3.57m - 1.00m, Ledger.Balance(ledger, Customer, "EUR"));
        Assert.True(Ledger.SumsToZero(ledger));
        Assert.Equal(2.57m, Postings.RefundableAmount(ledger, Customer, "EUR"));
    }

    [Fact]
    public void GivenNothingCharged_WhenRefunded_ThenRejected()
    {
        var error = Assert.Throws<CommandRejectedException>(() => Postings.Refund(Session, Account, "r1", 1m, "EUR", 19m, [], [1], Booked));

        Assert.Contains("refundable 0", error.Reason);
    }

    [Fact]
    public void GivenFreeSession_WhenPosted_ThenAnEmptyChargeSetRecordsThePricing()
    {
        var free = TariffCalculator.Price(Tariff(perKwh: 0m, vat: 19m), new SessionFacts(Start, Start + Duration.FromHours(1), 5000));
        var set = Assert.Single(Postings.ForPricing(Session, Account, free, [], [5], Booked));

        Assert.Empty(set.Entries);
        Assert.Empty(Postings.ForPricing(Session, Account, free, [set], [5], Booked));
    }

    [Fact]
    public void GivenSessionsOfTwoAccounts_WhenBalancesComputed_ThenEachAccountHasItsOwnBalance()
    {
        var ledger = Postings.ForPricing("transaction-1", "a", Priced(10_000), [], [1], Booked)
            .Concat(Postings.ForPricing("transaction-2", "b", Priced(5_000), [], [2], Booked)).ToList();
        var balances = Ledger.Balances(ledger);

        Assert.Equal(4.76m, balances[(LedgerAccounts.Customer("a"), "EUR")]);
        Assert.Equal(2.38m, balances[(LedgerAccounts.Customer("b"), "EUR")]);
        Assert.Equal(-6.00m, balances[(LedgerAccounts.Revenue, "EUR")]);
        Assert.Equal(0m, balances.Values.Sum());
    }
}
