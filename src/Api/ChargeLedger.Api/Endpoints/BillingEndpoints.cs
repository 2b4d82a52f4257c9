using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Security;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Billing systems: tariffs, ledger and CDRs.</summary>
public static class BillingEndpoints
{
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        var commands = app.MapGroup("").WithTags("Billing")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>();
        commands.MapPost("/tariffs", TariffEndpoints.PublishAsync).WithName("PublishTariff");
        return app;
    }
}
