using ChargeLedger.Api.Http;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Security;
using ChargeLedger.Read.Complaints;
using ChargeLedger.Read.Ledger;
using ChargeLedger.Read.LiveStatus;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Support staff: remote commands, complaints and idTags.</summary>
public static class SupportEndpoints
{
    public static IEndpointRouteBuilder MapSupportEndpoints(this IEndpointRouteBuilder app)
    {
        var commands = app.MapGroup("").WithTags("Support")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Support))
            .AddEndpointFilter<IdempotencyFilter>();
        commands.MapPost("/charge-points/{id}/commands/{action}", RemoteCommandEndpoints.RequestAsync).WithName("RequestRemoteCommand")
            .WithSummary("Records a remote command (RemoteStartTransaction, RemoteStopTransaction, Reset, UnlockConnector, ChangeAvailability, TriggerMessage); the body is the OCPP request payload.");
        commands.MapPost("/complaints", ComplaintCommandEndpoints.OpenAsync).WithName("OpenComplaint");
        commands.MapPost("/complaints/{id}/notes", ComplaintCommandEndpoints.AddNoteAsync).WithName("AddComplaintNote");
        commands.MapPost("/complaints/{id}/resolution", ComplaintCommandEndpoints.ResolveAsync).WithName("ResolveComplaint")
            .WithSummary("Resolves a complaint with an outcome and an optional refund (amount as a decimal string with currency).");
        commands.MapPost("/id-tags", IdTagEndpoints.RegisterAsync).WithName("RegisterIdTag");
        commands.MapPost("/id-tags/{idTag}/block", IdTagEndpoints.BlockAsync).WithName("BlockIdTag");

        var reads = app.MapGroup("").WithTags("Support").RequireAuthorization(Audiences.Policy(ApiRoles.Support));
        var services = app.ServiceProvider;
        reads.MapGet("/charge-points", ReadModelEndpoints.ListChargePointsAsync).WithName("ListChargePoints")
            .WithSummary("Live status of charge points in id order; filter by online and connector status; cursor paging.")
            .FromReadModels(services, LiveStatusTables.ProjectionName);
        reads.MapGet("/charge-points/{id}", ReadModelEndpoints.GetChargePointAsync).WithName("GetChargePoint")
            .WithSummary("Live status of one charge point with its connectors.")
            .FromReadModels(services, LiveStatusTables.ProjectionName);
        var complaints = app.MapGroup("").WithTags("Support").RequireAuthorization(Audiences.Policy(ApiRoles.Support, ApiRoles.Billing));
        complaints.MapGet("/complaints/{id}", ReadModelEndpoints.GetComplaintAsync).WithName("GetComplaint")
            .WithSummary("A complaint with its notes, evidence, resolution, refunds and the audit trail of its subject.")
            .FromReadModels(services, ComplaintsTables.ProjectionName, LedgerTables.ProjectionName);
        reads.MapGet("/charge-points/{id}/commands/{commandId}", RemoteCommandEndpoints.GetAsync).WithName("GetRemoteCommand")
            .AddEndpointFilter<ETagFilter>();
        return app;
    }
}
