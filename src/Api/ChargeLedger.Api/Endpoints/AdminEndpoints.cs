using ChargeLedger.Api.Security;
using ChargeLedger.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Administrators: projection status (lag, failures, rebuilds).</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(Audiences.Policy());
        group.MapGet("/projections", ProjectionsAsync).WithName("ProjectionStatus")
            .WithSummary("Every projection's checkpoint, lag behind the head, state and last error.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ProjectionStatus>>> ProjectionsAsync(ProjectionStatusReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false));
}
