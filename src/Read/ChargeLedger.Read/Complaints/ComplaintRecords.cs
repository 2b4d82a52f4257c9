using ChargeLedger.Read.AuditTrail;
using NodaTime;

namespace ChargeLedger.Read.Complaints;

/// <summary>
/// A complaint as support sees it. <see cref="SubjectKind"/> is Transaction, ChargePoint or IdTag; the window is device time.
/// <see cref="Status"/> is Open or Resolved; <see cref="Resolution"/> is the latest one (a reopened complaint keeps it until
/// resolved again; <see cref="History"/> has them all). <see cref="Refunds"/> says what the ledger did with each refund.
/// <see cref="Trail"/> is the audit trail of the subject in the window; null with <see cref="TrailUnavailableReason"/> when
/// none can be built (an idTag subject: the audit index is per charge point).
/// </summary>
public sealed record ComplaintView(
    string ComplaintId,
    string SubjectKind,
    string SubjectId,
    Instant WindowStart,
    Instant WindowEnd,
    string Description,
    string OpenedBy,
    Instant OpenedAt,
    string Status,
    ComplaintResolution? Resolution,
    IReadOnlyList<ComplaintNote> Notes,
    IReadOnlyList<ComplaintEvidence> Evidence,
    IReadOnlyList<ComplaintRefund> Refunds,
    IReadOnlyList<ComplaintHistoryEntry> History,
    Trail? Trail,
    string? TrailUnavailableReason);

public sealed record ComplaintResolution(string ResolutionId, string Outcome, string Summary, decimal? RefundAmount, string? RefundCurrency, string ResolvedBy, Instant ResolvedAt);

public sealed record ComplaintNote(string NoteId, string Text, string Author, Instant AddedAt, long Position);

public sealed record ComplaintEvidence(string EvidenceId, string StreamId, long? StreamVersion, long? GlobalPosition, string? Description, string AttachedBy, Instant AttachedAt, long Position);

/// <summary>A complaint stream event: type, its JSON and where it sits in the log.</summary>
public sealed record ComplaintHistoryEntry(long Position, string Type, Instant RecordedAt, string Data);

/// <summary>
/// A refund granted by a resolution and its fate in the ledger: <see cref="ComplaintRefundStatuses"/> booked (with the posting
/// set), rejected (with the reason), or pending while the ledger has not reached the resolution yet.
/// </summary>
public sealed record ComplaintRefund(string ResolutionId, decimal Amount, string? Currency, string Status, string? PostingSetId, string? Reason);

public static class ComplaintRefundStatuses
{
    public const string Booked = "booked";
    public const string Rejected = "rejected";
    public const string Pending = "pending";
}
