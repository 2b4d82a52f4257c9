using System.Text.Json.Nodes;
using ChargeLedger.Domain.Billing;
using ChargeLedger.Read.Ledger;
using NodaTime;
using static ChargeLedger.ReadModels.Tests.Billing.BillingScenario;

namespace ChargeLedger.ReadModels.Tests.Billing;

public sealed class LedgerTests
{
    // 10:00 in Berlin (CEST): day prices.
    private static readonly Instant Morning = Instant.FromUtc(2026, 6, 10, 8, 0);

    // 21:30 in Berlin: the session crosses into the 22:00 night band half-way.
    private static readonly Instant Evening = Instant.FromUtc(2026, 6, 10, 19, 30);

    [Fact]
    public async Task GivenASessionWithParking_WhenStopped_ThenItIsPricedWithEnergyTimeParkingFeeAndVatAndThePostingsBalance()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_priced");
        var cp = new ChargePointScript("CP-B1");
        await db.AppendAsync(PublishTariff(), LinkTag("tag-1", "ACME", Morning.PlusHours(-1)),
            cp.Start(101, 1, "tag-1", 10_000, Morning), cp.Status(1, "Charging", Morning.PlusSeconds(1)),
            cp.Meter(101, 1, Morning.PlusMinutes(30), 22_000), cp.Status(1, "SuspendedEV", Morning.PlusMinutes(30)),
            cp.Stop(101, 1, "tag-1", 10_000, 22_000, Morning.PlusHours(1)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        // 12 kWh × 0.40 + 30 charging min × 0.02 + (30 − 15) parking min × 0.10 + 1.00 = 7.90 net; VAT 19 % = 1.50.
        var cost = await ledger.SessionCostAsync(101, CancellationToken.None);
        Assert.Equal((SessionCostStatuses.Priced, "ACME", "EUR", 12_000L), (cost!.Status, cost.BillingAccount, cost.Currency, cost.EnergyWh!.Value));
        Assert.Equal((7.90m, 19m, 1.50m, 9.40m, 0m), (cost.Net!.Value, cost.VatRatePercent!.Value, cost.Vat!.Value, cost.Total!.Value, cost.Refunded));
        Assert.Null(cost.Discrepancy);
        Assert.Equal([new CurrencyAmount("EUR", 9.40m)], (await ledger.BalanceAsync("customer:ACME", null, CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", -7.90m)], (await ledger.BalanceAsync(LedgerAccounts.Revenue, null, CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", -1.50m)], (await ledger.BalanceAsync("vat-payable:19", null, CancellationToken.None)).Balances);
        var totals = await ledger.TotalsAsync(null, CancellationToken.None);
        Assert.True(totals.Balanced, string.Join(", ", totals.Sums));
        Assert.Equal(3, totals.PostingCount);

        var entries = await ledger.SessionEntriesAsync("101", CancellationToken.None);
        Assert.All(entries, e => Assert.Equal(("101#1", "Charge"), (e.PostingSetId, e.Kind)));
        var stream = await db.Store.ReadStreamAsync("transaction-101", 0, 100, CancellationToken.None);
        Assert.All(stream, e => Assert.Contains(e.Position, entries[0].SourcePositions));
        Assert.Equal(stream[^1].Position, entries[0].Position);

        var cdr = Assert.Single((await new CdrsQuery(db.DataSource).ListAsync(null, null, null, null, 10, CancellationToken.None)).Items);
        Assert.Equal(("101", false, 7.90m, 9.40m), (cdr.SessionId, cdr.Credit, cdr.TotalExclVat, cdr.TotalInclVat!.Value));
        var json = JsonNode.Parse(cdr.Json)!;
        Assert.Equal(("101-1", "2026-06-10T08:00:00Z", 12.0m, 0.5m), ((string)json["id"]!, (string)json["start_date_time"]!, (decimal)json["total_energy"]!, (decimal)json["total_parking_time"]!));
        Assert.Equal("ACME", (string)json["cdr_token"]!["contract_id"]!);
    }

    [Fact]
    public async Task GivenASessionCrossingIntoTheNightBand_WhenPriced_ThenEachBandHasItsPricesAndAnUnknownTagGoesToTheUnassignedAccount()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_band");
        var cp = new ChargePointScript("CP-B2");
        await db.AppendAsync(PublishTariff(), cp.Start(102, 1, "stranger", 0, Evening), cp.Stop(102, 1, "stranger", 0, 10_000, Evening.PlusHours(1)));
        await db.ProjectAsync();

        // Evenly spread: 5 kWh by day (2.00) and 5 kWh at night (1.50); 30 min × 0.02 + 30 min × 0.01; fee 1.00 → 5.40 net, VAT 1.03.
        var cost = await new LedgerQuery(db.DataSource).SessionCostAsync(102, CancellationToken.None);
        Assert.Equal((5.40m, 1.03m, 6.43m, LedgerTables.UnassignedAccount), (cost!.Net!.Value, cost.Vat!.Value, cost.Total!.Value, cost.BillingAccount!));
        Assert.Equal([new CurrencyAmount("EUR", 6.43m)],
            (await new LedgerQuery(db.DataSource).BalanceAsync(LedgerAccounts.Customer(LedgerTables.UnassignedAccount), null, CancellationToken.None)).Balances);
        var cdr = JsonNode.Parse(Assert.Single(await new CdrsQuery(db.DataSource).ForSessionAsync("102", CancellationToken.None)).Json)!;
        var periods = cdr["charging_periods"]!.AsArray();
        Assert.Equal(["2026-06-10T19:30:00Z", "2026-06-10T20:00:00Z"], periods.Select(p => (string)p!["start_date_time"]!));
    }

    [Fact]
    public async Task GivenAPricedSession_WhenLateMeterValuesMoveEnergyAcrossTheBand_ThenTheChargeIsReversedAndRebookedWithACreditCdrAndAsOfShowsTheOldState()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_late");
        var cp = new ChargePointScript("CP-B3");
        await db.AppendAsync(PublishTariff(), LinkTag("tag-3", "BETA", Evening.PlusHours(-1)),
            cp.Start(103, 1, "tag-3", 50_000, Evening), cp.Stop(103, 1, "tag-3", 50_000, 60_000, Evening.PlusHours(1)));
        await db.ProjectAsync();
        var beforeLate = await db.HeadAsync();
        var beforeLateAt = (await db.Store.ReadStreamAsync("transaction-103", 0, 10, CancellationToken.None))[^1].RecordedAt;

        // The charge point's queue delivers a sample: 8 of the 10 kWh were drawn before 22:00.
        await db.AppendAsync(cp.Meter(103, 1, Evening.PlusMinutes(30), 58_000, receivedAt: Evening.PlusHours(3)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        // 8 kWh × 0.40 + 2 kWh × 0.30 + 0.60 + 0.30 + 1.00 = 5.70 net, VAT 1.08.
        var cost = await ledger.SessionCostAsync(103, CancellationToken.None);
        Assert.Equal((5.70m, 1.08m, 6.78m), (cost!.Net!.Value, cost.Vat!.Value, cost.Total!.Value));
        var customer = await ledger.EntriesAsync("customer:BETA", null, null, null, null, 10, CancellationToken.None);
        Assert.Equal([("103#1", "Charge", 6.43m), ("103#2", "Reversal", -6.43m), ("103#3", "Charge", 6.78m)],
            customer.Items.Select(e => (e.PostingSetId, e.Kind, e.Amount)));
        Assert.Equal("103#1", customer.Items[1].Reference);
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);

        Assert.Equal([new CurrencyAmount("EUR", 6.43m)], (await ledger.BalanceAsync("customer:BETA", new LedgerAsOf(Position: beforeLate), CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", 6.43m)], (await ledger.BalanceAsync("customer:BETA", new LedgerAsOf(At: beforeLateAt), CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", 6.78m)], (await ledger.BalanceAsync("customer:BETA", null, CancellationToken.None)).Balances);
        Assert.True((await ledger.TotalsAsync(new LedgerAsOf(Position: beforeLate), CancellationToken.None)).Balanced);

        var firstPage = await ledger.EntriesAsync("customer:BETA", null, null, null, null, 2, CancellationToken.None);
        var secondPage = await ledger.EntriesAsync("customer:BETA", null, null, null, firstPage.NextCursor, 2, CancellationToken.None);
        Assert.Equal(customer.Items.Select(e => e.PostingSetId), firstPage.Items.Concat(secondPage.Items).Select(e => e.PostingSetId));
        Assert.Null(secondPage.NextCursor);

        var cdrs = new CdrsQuery(db.DataSource);
        var all = await cdrs.ForSessionAsync("103", CancellationToken.None);
        Assert.Equal([("103-1", false, null, 5.40m), ("103-2", true, "103-1", -5.40m), ("103-3", false, null, 5.70m)],
            all.Select(c => (c.CdrId, c.Credit, c.CreditReferenceId, c.TotalExclVat)));
        var asIssued = await cdrs.ListAsync(null, null, new LedgerAsOf(Position: beforeLate), null, 10, CancellationToken.None);
        Assert.Equal(["103-1"], asIssued.Items.Select(c => c.CdrId));
        var pageOne = await cdrs.ListAsync(null, null, null, null, 2, CancellationToken.None);
        var pageTwo = await cdrs.ListAsync(null, null, null, pageOne.NextCursor, 2, CancellationToken.None);
        Assert.Equal(all.Select(c => c.CdrId), pageOne.Items.Concat(pageTwo.Items).Select(c => c.CdrId));
    }

    [Fact]
    public async Task GivenReadingsProjectedInEarlierBatches_WhenTheSessionStops_ThenItsBandSplitUsesTheStoredReadings()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_stored_samples");
        var cp = new ChargePointScript("CP-B6");
        await db.AppendAsync(PublishTariff(), LinkTag("tag-6", "ZETA", Evening.PlusHours(-1)),
            cp.Start(106, 1, "tag-6", 50_000, Evening), cp.Meter(106, 1, Evening.PlusMinutes(30), 58_000));
        await db.ProjectAsync();
        await db.AppendAsync(cp.Meter(106, 1, Evening.PlusMinutes(45), 59_000));
        await db.ProjectAsync();

        await db.AppendAsync(cp.Stop(106, 1, "tag-6", 50_000, 60_000, Evening.PlusHours(1)));
        await db.ProjectAsync();

        // Read back from the ledger's tables: 8 of the 10 kWh before 22:00 (0.40), 2 after (0.30); without the stored
        // readings the profile would be a straight line (5 + 5 kWh, 5.40 net).
        var ledger = new LedgerQuery(db.DataSource);
        var cost = await ledger.SessionCostAsync(106, CancellationToken.None);
        Assert.Equal((5.70m, 1.08m, 6.78m), (cost!.Net!.Value, cost.Vat!.Value, cost.Total!.Value));
        var customer = await ledger.EntriesAsync("customer:ZETA", null, null, null, null, 10, CancellationToken.None);
        Assert.Equal([("106#1", "Charge", 6.78m)], customer.Items.Select(e => (e.PostingSetId, e.Kind, e.Amount)));
    }

    [Fact]
    public async Task GivenNoTariffValidAtTheStart_WhenStopped_ThenTheSessionIsUnpricedWithTheReasonAndNothingIsPosted()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_unpriced");
        var cp = new ChargePointScript("CP-B4");
        var beforeTariff = TariffFrom.PlusHours(-5);
        await db.AppendAsync(PublishTariff(), cp.Start(104, 1, "tag-4", 0, beforeTariff), cp.Stop(104, 1, "tag-4", 0, 1_000, beforeTariff.PlusHours(1)));
        await db.ProjectAsync();

        var cost = await new LedgerQuery(db.DataSource).SessionCostAsync(104, CancellationToken.None);
        Assert.Equal(SessionCostStatuses.Unpriced, cost!.Status);
        Assert.Contains("no version valid at the session start", cost.UnpricedReason);
        Assert.Null(cost.Total);
        Assert.Equal(0, (await new LedgerQuery(db.DataSource).TotalsAsync(null, CancellationToken.None)).PostingCount);
    }
}
