using ChargeLedger.Domain.Complaints;
using ChargeLedger.Read.Complaints;
using ChargeLedger.Read.Ledger;
using ChargeLedger.ReadModels.Tests.Billing;
using NodaTime;
using static ChargeLedger.ReadModels.Tests.Billing.BillingScenario;

namespace ChargeLedger.ReadModels.Tests.Complaints;

public sealed class ComplaintRefundTests
{
    private static readonly Instant Morning = Instant.FromUtc(2026, 6, 11, 8, 0);

    [Fact]
    public async Task GivenAComplaintAboutAPricedSession_WhenResolvedWithARefund_ThenRefundPostingsReduceTheBalanceAndTheComplaintShowsItsTrail()
    {
        await using var db = await BillingDatabase.CreateAsync("cp_refund");
        var cp = new ChargePointScript("CP-C1");
        var afterwards = Morning.PlusHours(5);
        await db.AppendAsync(PublishTariff(), LinkTag("tag-c", "GAMMA", Morning.PlusHours(-1)), cp.Authorize("tag-c", Morning.PlusMinutes(-1)),
            cp.Start(201, 1, "tag-c", 0, Morning), cp.Stop(201, 1, "tag-c", 0, 12_000, Morning.PlusHours(1)),
            OpenComplaint("K-1", 201, Morning, Morning.PlusHours(1), afterwards),
            BillingDatabase.Command(afterwards.PlusMinutes(1),
                new ComplaintNoteAdded("K-1", "n-1", "customer says the car was full after 30 min", "support-1", afterwards.PlusMinutes(1)),
                new ComplaintEvidenceAttached("K-1", "e-1", "transaction-201", 1, null, "the stop", "support-1", afterwards.PlusMinutes(1))),
            Resolve("K-1", 2.38m, afterwards.PlusMinutes(2)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        // Charged 12 kWh × 0.40 + 60 min × 0.02 + 1.00 = 7.00 net + 1.33 VAT; refund 2.38 = 2.00 net + 0.38 VAT.
        Assert.Equal([new CurrencyAmount("EUR", 8.33m - 2.38m)], (await ledger.BalanceAsync("customer:GAMMA", null, CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", -7.00m + 2.00m)], (await ledger.BalanceAsync("revenue:charging", null, CancellationToken.None)).Balances);
        Assert.Equal([new CurrencyAmount("EUR", -1.33m + 0.38m)], (await ledger.BalanceAsync("vat-payable:19", null, CancellationToken.None)).Balances);
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);
        var refund = (await ledger.SessionEntriesAsync("201", CancellationToken.None)).Where(e => e.Kind == "Refund").ToList();
        Assert.Equal(["201#2"], refund.Select(e => e.PostingSetId).Distinct());
        Assert.All(refund, e => Assert.Equal(LedgerTables.RefundReference("K-1", "res-1"), e.Reference));
        Assert.Equal(2.38m, (await ledger.SessionCostAsync(201, CancellationToken.None))!.Refunded);

        var complaint = await new ComplaintsQuery(db.DataSource).GetAsync("K-1", null, CancellationToken.None);
        Assert.Equal(("Resolved", "Transaction", "201", "Upheld", 2.38m), (complaint!.Status, complaint.SubjectKind, complaint.SubjectId, complaint.Resolution!.Outcome, complaint.Resolution.RefundAmount!.Value));
        Assert.Equal(["n-1"], complaint.Notes.Select(n => n.NoteId));
        Assert.Equal([("e-1", "transaction-201", (long?)1)], complaint.Evidence.Select(e => (e.EvidenceId, e.StreamId, e.StreamVersion)));
        Assert.Equal([(ComplaintRefundStatuses.Booked, "201#2")], complaint.Refunds.Select(r => (r.Status, r.PostingSetId)));
        Assert.Equal(["ComplaintOpened", "ComplaintNoteAdded", "ComplaintEvidenceAttached", "ComplaintResolved"], complaint.History.Select(h => h.Type));
        Assert.NotNull(complaint.Trail);
        Assert.Contains(complaint.Trail.Events, e => e.Type == "AuthorizationAnswered");
        Assert.Equal(["TransactionStarted", "TransactionStopped"], complaint.Trail.Events.Where(e => e.TransactionId == 201 && e.StreamId == "transaction-201").Select(e => e.Type));
    }

    [Fact]
    public async Task GivenARefundLargerThanTheCharge_WhenResolved_ThenTheRejectionIsRecordedAndLaterSessionsAreStillPriced()
    {
        await using var db = await BillingDatabase.CreateAsync("cp_reject");
        var cp = new ChargePointScript("CP-C2");
        var afterwards = Morning.PlusHours(5);
        await db.AppendAsync(PublishTariff(), LinkTag("tag-d", "DELTA", Morning.PlusHours(-1)),
            cp.Start(202, 1, "tag-d", 0, Morning), cp.Stop(202, 1, "tag-d", 0, 12_000, Morning.PlusHours(1)),
            OpenComplaint("K-2", 202, Morning, Morning.PlusHours(1), afterwards),
            Resolve("K-2", 50.00m, afterwards.PlusMinutes(1)),
            cp.Start(203, 1, "tag-d", 12_000, afterwards.PlusHours(1)), cp.Stop(203, 1, "tag-d", 12_000, 24_000, afterwards.PlusHours(2)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        var rejection = Assert.Single(await ledger.RefundRejectionsAsync("K-2", CancellationToken.None));
        Assert.Equal(("res-1", "202", 50.00m), (rejection.ResolutionId, rejection.SessionId!, rejection.Amount));
        Assert.Contains("exceeds the refundable 8.33 EUR", rejection.Reason);
        Assert.Equal([new CurrencyAmount("EUR", 2 * 8.33m)], (await ledger.BalanceAsync("customer:DELTA", null, CancellationToken.None)).Balances);
        Assert.Equal(SessionCostStatuses.Priced, (await ledger.SessionCostAsync(203, CancellationToken.None))!.Status);
        var complaint = await new ComplaintsQuery(db.DataSource).GetAsync("K-2", null, CancellationToken.None);
        Assert.Equal([(ComplaintRefundStatuses.Rejected, rejection.Reason)], complaint!.Refunds.Select(r => (r.Status, r.Reason)));
    }

    [Fact]
    public async Task GivenAChargePointComplaintReopenedAndResolvedWithoutRefund_WhenRead_ThenItIsResolvedWithItsWindowTrailAndNoRefund()
    {
        await using var db = await BillingDatabase.CreateAsync("cp_station");
        var cp = new ChargePointScript("CP-C3");
        var afterwards = Morning.PlusHours(5);
        await db.AppendAsync(cp.Boot(Morning), cp.Status(1, "Faulted", Morning.PlusMinutes(10), errorCode: "GroundFailure"), cp.Status(1, "Available", Morning.PlusHours(2)),
            BillingDatabase.Command(afterwards, new ComplaintOpened("K-5", ComplaintSubjectKind.ChargePoint, "CP-C3", Morning, Morning.PlusHours(1), "station broken", "support-1", afterwards)),
            Resolve("K-5", null, afterwards.PlusMinutes(1)),
            BillingDatabase.Command(afterwards.PlusMinutes(2), new ComplaintReopened("K-5", "r-1", "still broken", "support-1", afterwards.PlusMinutes(2))),
            BillingDatabase.Command(afterwards.PlusMinutes(3), new ComplaintResolved("K-5", "res-2", ComplaintOutcome.Rejected, "works now", null, null, "support-2", afterwards.PlusMinutes(3))));
        await db.ProjectAsync();

        var complaint = await new ComplaintsQuery(db.DataSource).GetAsync("K-5", null, CancellationToken.None);
        Assert.Equal(("Resolved", "res-2", "Rejected"), (complaint!.Status, complaint.Resolution!.ResolutionId, complaint.Resolution.Outcome));
        Assert.Null(complaint.Resolution.RefundAmount);
        Assert.Empty(complaint.Refunds);
        Assert.Equal(["ChargePointBooted", "ConnectorStatusReported"], complaint.Trail!.Events.Select(e => e.Type));
        Assert.Empty(await new LedgerQuery(db.DataSource).RefundRejectionsAsync("K-5", CancellationToken.None));
        Assert.Null(await new ComplaintsQuery(db.DataSource).GetAsync("K-404", null, CancellationToken.None));
    }
}
