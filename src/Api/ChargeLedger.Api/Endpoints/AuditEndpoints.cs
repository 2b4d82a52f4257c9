using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Api.Security;
using ChargeLedger.EventStore;
using ChargeLedger.Read.AuditTrail;
using ChargeLedger.Read.EnergyAudit;
using ChargeLedger.Read.Ledger;
using ChargeLedger.Read.LiveStatus;
using ChargeLedger.Read.Transactions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// Auditors: the raw log for replication and hash-chain verification (the only routes that read the log itself),
/// trails and energy audits; and the transaction routes shared by support, billing and auditors.
/// </summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var log = app.MapGroup("").WithTags("Audit").RequireAuthorization(Audiences.Policy(ApiRoles.Auditor));
        log.MapGet("/events", ReadEventsAsync).WithName("ReadEvents")
            .WithSummary("The raw event log after a checkpoint, in commit order, for replication.");
        log.MapGet("/audit/streams/{streamId}/verify", VerifyStreamAsync).WithName("VerifyStream")
            .WithSummary("Re-walks a stream's hash chain.");

        var services = app.ServiceProvider;
        var sessions = app.MapGroup("").WithTags("Transactions")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Support, ApiRoles.Billing, ApiRoles.Auditor));
        sessions.MapGet("/transactions", ReadModelEndpoints.ListTransactionsAsync).WithName("ListTransactions")
            .WithSummary("Sessions in id order, filtered by charge point, idTag and start time [from, to); cursor paging.")
            .FromReadModels(services, TransactionsTables.ProjectionName);
        sessions.MapGet("/transactions/{id}", ReadModelEndpoints.GetTransactionAsync).WithName("GetTransaction")
            .WithSummary("A session with its energy, status, anomalies and cost (amount incl. VAT, net, VAT, currency).")
            .FromReadModels(services, TransactionsTables.ProjectionName, LedgerTables.ProjectionName);
        sessions.MapGet("/transactions/{id}/meter-values", ReadModelEndpoints.GetMeterValuesAsync).WithName("GetMeterValues")
            .WithSummary("Every reading of the session in device-time order, normalised to Wh, with its source event.")
            .FromReadModels(services, TransactionsTables.ProjectionName);

        var trails = app.MapGroup("").WithTags("Audit").RequireAuthorization(Audiences.Policy(ApiRoles.Auditor, ApiRoles.Support));
        trails.MapGet("/transactions/{id}/trail", ReadModelEndpoints.GetTrailAsync).WithName("GetTransactionTrail")
            .WithSummary("Every event related to the session with raw frames and hashes, and whether their hash chains are intact.")
            .FromReadModels(services, AuditTrailTables.ProjectionName);

        var energy = app.MapGroup("").WithTags("Audit").RequireAuthorization(Audiences.Policy(ApiRoles.Auditor, ApiRoles.Billing));
        energy.MapGet("/audit/energy", ReadModelEndpoints.GetEnergyAsync).WithName("GetEnergyAudit")
            .WithSummary("Metered register delta vs billed kWh for a charge point and local day, with the difference explained.")
            .FromReadModels(services, EnergyAuditTables.ProjectionName, LiveStatusTables.ProjectionName);
        return app;
    }

    public static async Task<Ok<EventLogPage>> ReadEventsAsync(string? after, int? limit, IEventStore store, CancellationToken cancellationToken)
    {
        var from = ApiInput.Checkpoint(after, "after");
        var max = ApiInput.Limit(limit);
        var page = await store.ReadAllAsync(from, max, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new EventLogPage([.. page.Events.Select(LogEvent.From)], page.Next.ToString(), page.Events.Count < max));
    }

    public static async Task<Results<Ok<StreamVerification>, ProblemHttpResult>> VerifyStreamAsync(
        string streamId, IEventStore store, CancellationToken cancellationToken)
    {
        var result = await store.VerifyStreamAsync(streamId, cancellationToken).ConfigureAwait(false);
        if (result.EventsChecked == 0 && result.Valid)
        {
            return ApiProblems.NotFound("streamId", $"There is no stream '{streamId}'.");
        }
        return TypedResults.Ok(new StreamVerification(result.StreamId, result.EventsChecked, result.Valid, result.FirstBrokenVersion, result.Reason));
    }
}
