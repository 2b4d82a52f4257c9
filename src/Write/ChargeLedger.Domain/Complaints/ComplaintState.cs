using System.Collections.Immutable;

namespace ChargeLedger.Domain.Complaints;

public enum ComplaintStatus { None, Open, Resolved }

/// <summary>What the decider needs: the opening, status, the ids already applied and the refunds granted so far.</summary>
public sealed record ComplaintState(
    ComplaintOpened? Opening,
    ComplaintStatus Status,
    ImmutableHashSet<string> AppliedIds,
    decimal RefundedTotal,
    string? RefundCurrency)
{
    public static readonly ComplaintState Initial = new(null, ComplaintStatus.None, [], 0m, null);

    public static ComplaintState Evolve(ComplaintState state, object @event) => @event switch
    {
        ComplaintOpened e => state with { Opening = e, Status = ComplaintStatus.Open },
        ComplaintNoteAdded e => state with { AppliedIds = state.AppliedIds.Add(e.NoteId) },
        ComplaintEvidenceAttached e => state with { AppliedIds = state.AppliedIds.Add(e.EvidenceId) },
        ComplaintResolved e => state with
        {
            Status = ComplaintStatus.Resolved,
            AppliedIds = state.AppliedIds.Add(e.ResolutionId),
            RefundedTotal = state.RefundedTotal + (e.RefundAmount ?? 0m),
            RefundCurrency = e.RefundCurrency ?? state.RefundCurrency,
        },
        ComplaintReopened e => state with { Status = ComplaintStatus.Open, AppliedIds = state.AppliedIds.Add(e.ReopenId) },
        _ => state,
    };

    public static ComplaintState Fold(IEnumerable<object> events) => events.Aggregate(Initial, Evolve);
}
