using System.Text.Json;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.EventStore;
using ChargeLedger.Read.AuditTrail;
using ChargeLedger.Read.Complaints;
using ChargeLedger.Read.EnergyAudit;
using ChargeLedger.Read.Ledger;
using ChargeLedger.Read.LiveStatus;
using ChargeLedger.Read.Transactions;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Handlers over the read models (src/Read); they never read the event log, except to verify the trail's chains.</summary>
public static class ReadModelEndpoints
{
    public static async Task<Ok<ItemsPage<ChargePointStatus>>> ListChargePointsAsync(
        bool? online, string? connectorStatus, string? cursor, int? limit, LiveStatusQuery query, IClock clock, CancellationToken cancellationToken)
    {
        var max = ApiInput.Limit(limit);
        var items = await query.ListAsync(new ChargePointFilter(online, connectorStatus), Cursor.Decode(cursor), max, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsPage<ChargePointStatus>(items, items.Count == max ? Cursor.Encode(items[^1].ChargePointId) : null));
    }

    public static async Task<Results<Ok<ChargePointStatus>, ProblemHttpResult>> GetChargePointAsync(
        string id, LiveStatusQuery query, IClock clock, CancellationToken cancellationToken) =>
        await query.GetAsync(id, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false) is { } status
            ? TypedResults.Ok(status)
            : ApiProblems.NotFound("id", $"There is no charge point '{id}'.");

    public static async Task<Ok<ItemsPage<TransactionResponse>>> ListTransactionsAsync(
        string? chargePointId, string? idTag, string? from, string? to, string? cursor, int? limit,
        TransactionsQuery query, CancellationToken cancellationToken)
    {
        var max = ApiInput.Limit(limit);
        var after = Cursor.Decode(cursor) is { } key ? ApiInput.PositiveInt(key, "cursor") : (int?)null;
        var filter = new TransactionFilter(chargePointId, idTag, ApiInput.Instant(from, "from"), ApiInput.Instant(to, "to"));
        var items = await query.ListAsync(filter, after, max, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsPage<TransactionResponse>(
            [.. items.Select(t => TransactionResponse.From(t, null))],
            items.Count == max ? Cursor.Encode(items[^1].TransactionId.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null));
    }

    public static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> GetTransactionAsync(
        string id, TransactionsQuery query, LedgerQuery ledger, CancellationToken cancellationToken)
    {
        var transactionId = ApiInput.PositiveInt(id, "id");
        // Two read models, read side by side.
        var costTask = ledger.SessionCostAsync(transactionId, cancellationToken);
        var transaction = await query.GetAsync(transactionId, cancellationToken).ConfigureAwait(false);
        var cost = await costTask.ConfigureAwait(false);
        return transaction is null
            ? ApiProblems.NotFound("id", $"There is no transaction {transactionId}.")
            : TypedResults.Ok(TransactionResponse.From(transaction, cost is null ? null : TransactionCost.From(cost)));
    }

    public static async Task<Results<Ok<ComplaintView>, ProblemHttpResult>> GetComplaintAsync(string id, ComplaintsQuery query, CancellationToken cancellationToken) =>
        await query.GetAsync(id, null, cancellationToken).ConfigureAwait(false) is { } complaint
            ? TypedResults.Ok(complaint)
            : ApiProblems.NotFound("id", $"There is no complaint '{id}'.");

    public static async Task<Results<Ok<MeterValuesResponse>, ProblemHttpResult>> GetMeterValuesAsync(
        string id, TransactionsQuery query, CancellationToken cancellationToken)
    {
        var transactionId = ApiInput.PositiveInt(id, "id");
        if (await query.GetAsync(transactionId, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("id", $"There is no transaction {transactionId}.");
        }
        return TypedResults.Ok(new MeterValuesResponse(transactionId, await query.MeterValuesAsync(transactionId, cancellationToken).ConfigureAwait(false)));
    }

    public static async Task<Results<Ok<TrailResponse>, ProblemHttpResult>> GetTrailAsync(
        string id, AuditTrailQuery query, IEventStore store, CancellationToken cancellationToken)
    {
        var transactionId = ApiInput.PositiveInt(id, "id");
        if (await query.ForTransactionAsync(transactionId, null, cancellationToken).ConfigureAwait(false) is not { } trail)
        {
            return ApiProblems.NotFound("id", $"There is no transaction {transactionId}.");
        }
        var verifications = new List<StreamVerification>();
        foreach (var stream in trail.Streams)
        {
            var v = await store.VerifyStreamAsync(stream, cancellationToken).ConfigureAwait(false);
            verifications.Add(new StreamVerification(v.StreamId, v.EventsChecked, v.Valid, v.FirstBrokenVersion, v.Reason));
        }
        var events = trail.Events.Select(e => new TrailEventResponse(
            e.Position, e.StreamId, e.StreamVersion, e.Type, e.OccurredAt, e.RecordedAt, e.ReceivedAt, JsonDocument.Parse(e.Data).RootElement.Clone(),
            e.Raw, e.Sent, e.Topic, e.OcppMessageId, e.Hash)).ToList();
        return TypedResults.Ok(new TrailResponse(transactionId, trail.From, trail.To, verifications.All(v => v.ChainValid), verifications, events));
    }

    public static async Task<Results<Ok<EnergyDay>, ProblemHttpResult>> GetEnergyAsync(
        string? chargePointId, string? date, EnergyAuditQuery query, LiveStatusQuery chargePoints, IClock clock, CancellationToken cancellationToken)
    {
        var id = ApiInput.Required(chargePointId, "chargePointId");
        var day = ApiInput.Date(ApiInput.Required(date, "date"), "date")!.Value;
        if (await chargePoints.GetAsync(id, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("chargePointId", $"There is no charge point '{id}'.");
        }
        return TypedResults.Ok(await query.GetDayAsync(id, day, cancellationToken).ConfigureAwait(false));
    }
}
