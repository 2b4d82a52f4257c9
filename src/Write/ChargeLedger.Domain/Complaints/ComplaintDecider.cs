using ChargeLedger.Domain.Billing;

namespace ChargeLedger.Domain.Complaints;

/// <summary>
/// Pure decider of a complaint stream. Every command carries its own id (complaint, note, evidence, resolution, reopen):
/// a command whose id was already applied returns no events; invalid commands throw <see cref="CommandRejectedException"/>.
/// </summary>
public static class ComplaintDecider
{
    public static IReadOnlyList<IComplaintEvent> Decide(OpenComplaint c, ComplaintState state)
    {
        var opened = new ComplaintOpened(c.ComplaintId, c.SubjectKind, c.SubjectId, c.WindowStart, c.WindowEnd, c.Description, c.OpenedBy, c.ReceivedAt);
        if (state.Opening is { } existing)
            return existing with { ReceivedAt = c.ReceivedAt } == opened
                ? []
                : throw new CommandRejectedException("complaintId", $"complaint {c.ComplaintId} already exists with other details");
        Required(c.ComplaintId, "complaintId");
        Required(c.SubjectId, "subjectId");
        Required(c.Description, "description");
        Required(c.OpenedBy, "openedBy");
        if (!Enum.IsDefined(c.SubjectKind)) throw new CommandRejectedException("subjectKind", $"unknown subject kind {c.SubjectKind}");
        if (c.WindowEnd < c.WindowStart)
            throw new CommandRejectedException("windowEnd", $"window ends ({c.WindowEnd}) before it starts ({c.WindowStart})");
        return [opened];
    }

    public static IReadOnlyList<IComplaintEvent> Decide(AddComplaintNote c, ComplaintState state)
    {
        if (IsRepeat(state, c.NoteId, "noteId")) return [];
        Required(c.Text, "text");
        Required(c.Author, "author");
        return [new ComplaintNoteAdded(c.ComplaintId, c.NoteId, c.Text, c.Author, c.ReceivedAt)];
    }

    public static IReadOnlyList<IComplaintEvent> Decide(AttachComplaintEvidence c, ComplaintState state)
    {
        if (IsRepeat(state, c.EvidenceId, "evidenceId")) return [];
        Required(c.StreamId, "streamId");
        Required(c.AttachedBy, "attachedBy");
        if (c.StreamVersion is null && c.GlobalPosition is null)
            throw new CommandRejectedException("streamVersion", "a stream version or a global position is required");
        if (c.StreamVersion < 0) throw new CommandRejectedException("streamVersion", "must not be negative");
        if (c.GlobalPosition < 0) throw new CommandRejectedException("globalPosition", "must not be negative");
        return [new ComplaintEvidenceAttached(c.ComplaintId, c.EvidenceId, c.StreamId, c.StreamVersion, c.GlobalPosition, c.Description, c.AttachedBy, c.ReceivedAt)];
    }

    public static IReadOnlyList<IComplaintEvent> Decide(ResolveComplaint c, ComplaintState state)
    {
        if (IsRepeat(state, c.ResolutionId, "resolutionId")) return [];
        if (state.Status == ComplaintStatus.Resolved)
            throw new CommandRejectedException("complaintId", $"complaint {c.ComplaintId} is already resolved; reopen it first");
        Required(c.Summary, "summary");
        Required(c.ResolvedBy, "resolvedBy");
        if (!Enum.IsDefined(c.Outcome)) throw new CommandRejectedException("outcome", $"unknown outcome {c.Outcome}");
        if (c.RefundAmount is { } refund) ValidateRefund(c, refund, state);
        else if (c.RefundCurrency is not null) throw new CommandRejectedException("refundAmount", "a refund currency needs a refund amount");
        return [new ComplaintResolved(c.ComplaintId, c.ResolutionId, c.Outcome, c.Summary, c.RefundAmount, c.RefundCurrency, c.ResolvedBy, c.ReceivedAt)];
    }

    public static IReadOnlyList<IComplaintEvent> Decide(ReopenComplaint c, ComplaintState state)
    {
        if (IsRepeat(state, c.ReopenId, "reopenId")) return [];
        if (state.Status != ComplaintStatus.Resolved)
            throw new CommandRejectedException("complaintId", $"complaint {c.ComplaintId} is not resolved");
        Required(c.Reason, "reason");
        Required(c.ReopenedBy, "reopenedBy");
        return [new ComplaintReopened(c.ComplaintId, c.ReopenId, c.Reason, c.ReopenedBy, c.ReceivedAt)];
    }

    private static void ValidateRefund(ResolveComplaint c, decimal refund, ComplaintState state)
    {
        if (refund < 0) throw new CommandRejectedException("refundAmount", $"must not be negative (was {refund})");
        if (c.Outcome is ComplaintOutcome.Rejected or ComplaintOutcome.Withdrawn && refund > 0)
            throw new CommandRejectedException("refundAmount", $"a {c.Outcome} complaint grants no refund");
        if (!Currency.IsWellFormed(c.RefundCurrency))
            throw new CommandRejectedException("refundCurrency", $"'{c.RefundCurrency}' is not an ISO 4217 code");
        if (Currency.Round(refund, c.RefundCurrency!) != refund)
            throw new CommandRejectedException("refundAmount", $"{refund} has more decimals than {c.RefundCurrency} allows");
        if (state.RefundCurrency is { } earlier && earlier != c.RefundCurrency)
            throw new CommandRejectedException("refundCurrency", $"earlier refunds of this complaint were in {earlier}");
        if (c.Billed is not { } billed) return;
        if (billed.Currency != c.RefundCurrency)
            throw new CommandRejectedException("refundCurrency", $"the subject was billed in {billed.Currency}");
        if (state.RefundedTotal + refund > billed.Amount)
            throw new CommandRejectedException("refundAmount",
                $"{refund} {c.RefundCurrency} plus the {state.RefundedTotal} already refunded exceeds the billed {billed.Amount} {billed.Currency}");
    }

    private static bool IsRepeat(ComplaintState state, string id, string field)
    {
        if (state.Opening is null) throw new CommandRejectedException("complaintId", "no such complaint");
        Required(id, field);
        return state.AppliedIds.Contains(id);
    }

    private static void Required(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new CommandRejectedException(field, "is required");
    }
}
