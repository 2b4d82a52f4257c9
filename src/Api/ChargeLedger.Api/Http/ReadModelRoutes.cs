using ChargeLedger.Api.Observability;

namespace ChargeLedger.Api.Http;

public static class ReadModelRoutes
{
    /// <summary>A route answered from read models: it says how far behind the log they are, and carries an ETag.</summary>
    public static RouteHandlerBuilder FromReadModels(this RouteHandlerBuilder route, IServiceProvider services, params string[] projections) =>
        route.AddEndpointFilter(new ProjectionLagFilter(services.GetRequiredService<ProjectionLagMonitor>(), projections))
            .AddEndpointFilter<ETagFilter>()
            .Produces(StatusCodes.Status304NotModified);
}
