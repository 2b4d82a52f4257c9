using System.Globalization;
using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Read.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Opening, annotating and resolving complaints (stream <c>complaint-{id}</c>).</summary>
public static class ComplaintCommandEndpoints
{
    public static string StreamId(string complaintId) => StreamIds.Complaint(complaintId);

    public static async Task<Created<ComplaintCommandResult>> OpenAsync(
        OpenComplaintRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var complaintId = request.ComplaintId is null ? NewId(http) : ApiInput.Required(request.ComplaintId, "complaintId");
        var kind = ApiInput.Enum<ComplaintSubjectKind>(request.SubjectKind, "subjectKind");
        var subject = ApiInput.Required(request.SubjectId, "subjectId");
        var start = ApiInput.Instant(ApiInput.Required(request.WindowStart, "windowStart"), "windowStart")!.Value;
        var end = ApiInput.Instant(ApiInput.Required(request.WindowEnd, "windowEnd"), "windowEnd")!.Value;
        var now = clock.GetCurrentInstant();
        var command = new OpenComplaint(complaintId, kind, subject, start, end, ApiInput.Required(request.Description, "description"),
            request.OpenedBy ?? CommandMetadata.Caller(http), now);
        var write = await writer.DecideAsync(StreamId(complaintId), ComplaintState.Fold, state => ComplaintDecider.Decide(command, state),
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/complaints/{Uri.EscapeDataString(complaintId)}",
            new ComplaintCommandResult(complaintId, nameof(ComplaintStatus.Open), null, write.Events.Count > 0));
    }

    public static async Task<Results<Created<ComplaintCommandResult>, ProblemHttpResult>> AddNoteAsync(
        string id, ComplaintNoteRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var noteId = request.NoteId ?? NewId(http);
        var now = clock.GetCurrentInstant();
        var command = new AddComplaintNote(id, noteId, ApiInput.Required(request.Text, "text"), request.Author ?? CommandMetadata.Caller(http), now);
        return await RunAsync(id, noteId, command.ReceivedAt, http, writer, state => ComplaintDecider.Decide(command, state), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Results<Created<ComplaintCommandResult>, ProblemHttpResult>> ResolveAsync(
        string id, ComplaintResolutionRequest request, HttpContext http, CommandWriter writer, LedgerQuery ledger, IClock clock,
        CancellationToken cancellationToken)
    {
        var resolutionId = request.ResolutionId ?? NewId(http);
        var outcome = ApiInput.Enum<ComplaintOutcome>(request.Outcome, "outcome");
        decimal? refund = request.Refund is null ? null : ApiInput.Amount(request.Refund.Amount, "refund.amount");
        var currency = request.Refund is null ? null : ApiInput.Required(request.Refund.Currency, "refund.currency");
        var now = clock.GetCurrentInstant();
        var command = new ResolveComplaint(id, resolutionId, outcome, ApiInput.Required(request.Summary, "summary"), refund, currency,
            request.ResolvedBy ?? CommandMetadata.Caller(http), now,
            refund is null ? null : await BilledAsync(id, writer, ledger, cancellationToken).ConfigureAwait(false));
        return await RunAsync(id, resolutionId, now, http, writer, state => ComplaintDecider.Decide(command, state), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the complaint's transaction was billed, so the decider caps refunds at it; null when the subject is not a
    /// transaction or the ledger has not priced it. A subject never changes once opened, so reading it ahead is safe.
    /// </summary>
    private static async Task<BilledAmount?> BilledAsync(string complaintId, CommandWriter writer, LedgerQuery ledger, CancellationToken cancellationToken)
    {
        var (events, _) = await writer.LoadAsync(StreamId(complaintId), cancellationToken).ConfigureAwait(false);
        if (ComplaintState.Fold(events).Opening is not { SubjectKind: ComplaintSubjectKind.Transaction } opening
            || !int.TryParse(opening.SubjectId, NumberStyles.None, CultureInfo.InvariantCulture, out var transactionId))
        {
            return null;
        }
        return await ledger.SessionCostAsync(transactionId, cancellationToken).ConfigureAwait(false) is { Total: { } total, Currency: { } currency }
            ? new BilledAmount(total, currency)
            : null;
    }

    private static async Task<Results<Created<ComplaintCommandResult>, ProblemHttpResult>> RunAsync(
        string complaintId, string entryId, Instant now, HttpContext http, CommandWriter writer,
        Func<ComplaintState, IReadOnlyList<IComplaintEvent>> decide, CancellationToken cancellationToken)
    {
        var status = ComplaintStatus.None;
        var write = await writer.DecideAsync(StreamId(complaintId), ComplaintState.Fold, state =>
        {
            if (state.Opening is null)
            {
                return [];
            }
            var events = decide(state);
            status = events.Aggregate(state, (s, e) => ComplaintState.Evolve(s, e)).Status;
            return [.. events];
        }, CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        if (write.StreamVersion < 0)
        {
            return ApiProblems.NotFound("id", $"There is no complaint '{complaintId}'.");
        }
        return TypedResults.Created($"/complaints/{Uri.EscapeDataString(complaintId)}",
            new ComplaintCommandResult(complaintId, status.ToString(), entryId, write.Events.Count > 0));
    }

    /// <summary>Ids the caller did not choose: derived from the Idempotency-Key when there is one, so a retry names the same entry.</summary>
    private static string NewId(HttpContext http) =>
        IdempotencyFilter.KeyOf(http) is { } key
            ? new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CommandMetadata.Caller(http) + "\n" + key)).AsSpan(0, 16)).ToString()
            : Guid.CreateVersion7().ToString();
}
