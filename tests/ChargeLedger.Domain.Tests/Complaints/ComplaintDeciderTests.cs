using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Complaints;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Complaints;

public sealed class ComplaintDeciderTests
{
    private const string Id = "c-1";
    private static readonly Instant Now = At("2026-06-11T09:00:00Z");

    private static readonly OpenComplaint Open = new(Id, ComplaintSubjectKind.Transaction, "42",
        At("2026-06-10T19:00:00Z"), At("2026-06-10T22:00:00Z"), "billed 15 kWh, car got 9", "support:anna", Now);

    private static ComplaintState Given(params IComplaintEvent[] events) => ComplaintState.Fold(events);

    private static readonly ComplaintOpened Opened = (ComplaintOpened)ComplaintDecider.Decide(Open, ComplaintState.Initial)[0];

    private static ResolveComplaint Resolve(string id, decimal? refund, ComplaintOutcome outcome = ComplaintOutcome.Upheld, BilledAmount? billed = null) =>
        new(Id, id, outcome, "meter fault confirmed", refund, refund is null ? null : "EUR", "support:anna", Now, billed);

    private static CommandRejectedException Rejected(Func<IReadOnlyList<IComplaintEvent>> decide) => Assert.Throws<CommandRejectedException>(decide);

    [Fact]
    public void GivenNoComplaint_WhenOpened_ThenComplaintOpenedWithSubjectAndWindow()
    {
        var opened = Assert.IsType<ComplaintOpened>(Assert.Single(ComplaintDecider.Decide(Open, ComplaintState.Initial)));

        Assert.Equal((ComplaintSubjectKind.Transaction, "42", "support:anna"), (opened.SubjectKind, opened.SubjectId, opened.OpenedBy));
        Assert.Equal(ComplaintStatus.Open, Given(opened).Status);
    }

    [Fact]
    public void GivenOpenedComplaint_WhenOpenRepeated_ThenNoEventsButOtherDetailsAreRejected()
    {
        Assert.Empty(ComplaintDecider.Decide(Open with { ReceivedAt = Now + Duration.FromMinutes(1) }, Given(Opened)));
        Assert.Equal("complaintId", Rejected(() => ComplaintDecider.Decide(Open with { Description = "other" }, Given(Opened))).Field);
    }

    [Fact]
    public void GivenWindowEndingBeforeItStarts_WhenOpened_ThenRejectedOnWindowEnd()
    {
        var command = Open with { WindowEnd = Open.WindowStart - Duration.FromSeconds(1) };

        Assert.Equal("windowEnd", Rejected(() => ComplaintDecider.Decide(command, ComplaintState.Initial)).Field);
    }

    [Fact]
    public void GivenUnknownComplaint_WhenNoteAdded_ThenRejected()
    {
        var error = Rejected(() => ComplaintDecider.Decide(new AddComplaintNote(Id, "n-1", "called driver", "support:anna", Now), ComplaintState.Initial));

        Assert.Equal("no such complaint", error.Reason);
    }

    [Fact]
    public void GivenNoteAdded_WhenSameNoteIdAgain_ThenNoEvents()
    {
        var note = new AddComplaintNote(Id, "n-1", "called driver", "support:anna", Now);
        var state = Given(Opened);
        state = ComplaintDecider.Decide(note, state).Aggregate(state, ComplaintState.Evolve);

        Assert.Empty(ComplaintDecider.Decide(note, state));
    }

    [Fact]
    public void GivenOpenComplaint_WhenEvidenceAttached_ThenItReferencesTheLog()
    {
        var attach = new AttachComplaintEvidence(Id, "e-1", "transaction-42", 7, 1234, "StopTransaction frame", "support:anna", Now);
        var evidence = Assert.IsType<ComplaintEvidenceAttached>(Assert.Single(ComplaintDecider.Decide(attach, Given(Opened))));

        Assert.Equal(("transaction-42", 7L, 1234L), (evidence.StreamId, evidence.StreamVersion, evidence.GlobalPosition));
        Assert.Equal("streamVersion", Rejected(() => ComplaintDecider.Decide(attach with { EvidenceId = "e-2", StreamVersion = null, GlobalPosition = null }, Given(Opened))).Field);
    }

    [Fact]
    public void GivenOpenComplaint_WhenResolvedWithRefundWithinBilled_ThenComplaintResolved()
    {
        var resolved = Assert.IsType<ComplaintResolved>(Assert.Single(
            ComplaintDecider.Decide(Resolve("r-1", 2.38m, billed: new BilledAmount(7.14m, "EUR")), Given(Opened))));

        Assert.Equal((ComplaintOutcome.Upheld, 2.38m, "EUR"), (resolved.Outcome, resolved.RefundAmount, resolved.RefundCurrency));
        Assert.Equal(ComplaintStatus.Resolved, Given(Opened, resolved).Status);
    }

    [Theory]
    [InlineData(-1, "refundAmount")]
    [InlineData(7.15, "refundAmount")]
    [InlineData(1.234, "refundAmount")]
    public void GivenBilledAmount_WhenRefundIsNegativeTooLargeOrTooPrecise_ThenRejected(double refund, string field)
    {
        var command = Resolve("r-1", (decimal)refund, billed: new BilledAmount(7.14m, "EUR"));

        Assert.Equal(field, Rejected(() => ComplaintDecider.Decide(command, Given(Opened))).Field);
    }

    [Fact]
    public void GivenRejectedOutcome_WhenRefundRequested_ThenRejected()
    {
        Assert.Equal("refundAmount", Rejected(() => ComplaintDecider.Decide(Resolve("r-1", 1m, ComplaintOutcome.Rejected), Given(Opened))).Field);
    }

    [Fact]
    public void GivenResolvedWithRefund_WhenReopenedAndResolvedAgain_ThenTotalRefundsStayWithinBilled()
    {
        var billed = new BilledAmount(5m, "EUR");
        var state = Given(Opened, new ComplaintResolved(Id, "r-1", ComplaintOutcome.PartiallyUpheld, "half", 3m, "EUR", "support:anna", Now));

        Assert.Equal("complaintId", Rejected(() => ComplaintDecider.Decide(Resolve("r-2", 1m), state)).Field);
        Assert.Empty(ComplaintDecider.Decide(Resolve("r-1", 3m), state));

        var reopen = new ReopenComplaint(Id, "o-1", "driver sent photos", "support:ben", Now);
        state = ComplaintDecider.Decide(reopen, state).Aggregate(state, ComplaintState.Evolve);
        Assert.Equal(ComplaintStatus.Open, state.Status);
        Assert.Empty(ComplaintDecider.Decide(reopen, state));

        Assert.Equal("refundAmount", Rejected(() => ComplaintDecider.Decide(Resolve("r-2", 2.01m, billed: billed), state)).Field);
        Assert.Single(ComplaintDecider.Decide(Resolve("r-2", 2m, billed: billed), state));
    }

    [Fact]
    public void GivenOpenComplaint_WhenReopened_ThenRejectedBecauseItIsNotResolved()
    {
        Assert.Equal("complaintId", Rejected(() => ComplaintDecider.Decide(new ReopenComplaint(Id, "o-1", "x", "y", Now), Given(Opened))).Field);
    }

    [Fact]
    public void GivenUnknownEvent_WhenEvolving_ThenStateIsUnchanged()
    {
        Assert.Same(ComplaintState.Initial, ComplaintState.Evolve(ComplaintState.Initial, 42));
    }
}
