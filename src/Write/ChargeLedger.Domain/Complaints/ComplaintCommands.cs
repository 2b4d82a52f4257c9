using NodaTime;

namespace ChargeLedger.Domain.Complaints;

public sealed record OpenComplaint(
    string ComplaintId, ComplaintSubjectKind SubjectKind, string SubjectId, Instant WindowStart, Instant WindowEnd,
    string Description, string OpenedBy, Instant ReceivedAt);

public sealed record AddComplaintNote(string ComplaintId, string NoteId, string Text, string Author, Instant ReceivedAt);

public sealed record AttachComplaintEvidence(
    string ComplaintId, string EvidenceId, string StreamId, long? StreamVersion, long? GlobalPosition, string? Description,
    string AttachedBy, Instant ReceivedAt);

/// <summary><paramref name="Billed"/> is what the customer was billed for the subject (incl. VAT, e.g. the session's effective
/// charge from the ledger) when the caller knows it: all refunds of this complaint together must not exceed it.</summary>
public sealed record ResolveComplaint(
    string ComplaintId, string ResolutionId, ComplaintOutcome Outcome, string Summary, decimal? RefundAmount, string? RefundCurrency,
    string ResolvedBy, Instant ReceivedAt, BilledAmount? Billed = null);

public sealed record BilledAmount(decimal Amount, string Currency);

public sealed record ReopenComplaint(string ComplaintId, string ReopenId, string Reason, string ReopenedBy, Instant ReceivedAt);
