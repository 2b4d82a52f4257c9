using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Complaints;

/// <summary>Events of the <c>complaint-{id}</c> stream.</summary>
public interface IComplaintEvent : IDomainEvent
{
    string ComplaintId { get; }
}

public enum ComplaintSubjectKind { Transaction, ChargePoint, IdTag }

public enum ComplaintOutcome { Upheld, PartiallyUpheld, Rejected, Withdrawn }

/// <summary>Support opened a complaint about a transaction, charge point or idTag for a device-time window.</summary>
public sealed record ComplaintOpened(
    string ComplaintId, ComplaintSubjectKind SubjectKind, string SubjectId, Instant WindowStart, Instant WindowEnd,
    string Description, string OpenedBy, Instant ReceivedAt) : IComplaintEvent;

public sealed record ComplaintNoteAdded(string ComplaintId, string NoteId, string Text, string Author, Instant ReceivedAt) : IComplaintEvent;

/// <summary>Points at evidence in the log: a stream (and version in it) and/or a global position.</summary>
public sealed record ComplaintEvidenceAttached(
    string ComplaintId, string EvidenceId, string StreamId, long? StreamVersion, long? GlobalPosition, string? Description,
    string AttachedBy, Instant ReceivedAt) : IComplaintEvent;

/// <summary>Closed with an outcome; a refund (incl. VAT) is posted to the ledger by the billing projection.</summary>
public sealed record ComplaintResolved(
    string ComplaintId, string ResolutionId, ComplaintOutcome Outcome, string Summary, decimal? RefundAmount, string? RefundCurrency,
    string ResolvedBy, Instant ReceivedAt) : IComplaintEvent;

public sealed record ComplaintReopened(string ComplaintId, string ReopenId, string Reason, string ReopenedBy, Instant ReceivedAt) : IComplaintEvent;
