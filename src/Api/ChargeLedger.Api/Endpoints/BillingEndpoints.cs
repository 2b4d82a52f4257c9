using ChargeLedger.Api.Http;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Security;
using ChargeLedger.Read.Ledger;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Billing systems (and auditors, read-only): tariffs, ledger and CDRs.</summary>
public static class BillingEndpoints
{
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        var commands = app.MapGroup("").WithTags("Billing")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>();
        commands.MapPost("/tariffs", TariffEndpoints.PublishAsync).WithName("PublishTariff")
            .WithSummary("Publishes a tariff version (prices excl. VAT as decimal strings); published versions are never edited.");

        var services = app.ServiceProvider;
        var reads = app.MapGroup("").WithTags("Billing").RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor));
        reads.MapGet("/ledger/accounts/{account}/entries", BillingReadEndpoints.EntriesAsync).WithName("LedgerEntries")
            .WithSummary("An account's entries booked in [from, to), as of an instant or log position (asOf), in booking order; cursor paging.")
            .FromReadModels(services, LedgerTables.ProjectionName);
        reads.MapGet("/ledger/accounts/{account}/balance", BillingReadEndpoints.BalanceAsync).WithName("LedgerBalance")
            .WithSummary("An account's balance per currency, as of an instant or log position (asOf).")
            .FromReadModels(services, LedgerTables.ProjectionName);
        reads.MapGet("/billing/cdrs", BillingReadEndpoints.CdrsAsync).WithName("ListCdrs")
            .WithSummary("OCPI 2.2.1 CDRs last updated in [from, to); JSON, or CSV with Accept: text/csv; cursor paging.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .FromReadModels(services, LedgerTables.ProjectionName);
        return app;
    }
}
