using ChargeLedger.Api.Endpoints;
using ChargeLedger.Api.Observability;
using ChargeLedger.Api.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace ChargeLedger.Api.Hosting;

public static class ApiPipeline
{
    /// <summary>Middleware in order (errors, metrics, body limit, key, role, rate) and every endpoint group.</summary>
    public static WebApplication UseChargeLedgerApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
        app.Use((context, next) => RequestMetrics.MeasureAsync(context, next, metrics));
        app.Use(LimitBodyAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(RefuseNulInQueryAsync);

        app.MapOpenApi().AllowAnonymous();
        app.MapDocsEndpoints();
        app.MapOperationsEndpoints();
        app.MapSupportEndpoints();
        app.MapBillingEndpoints();
        app.MapTariffAssignmentEndpoints();
        app.MapSiteEndpoints();
        app.MapChargePointGroupEndpoints();
        app.MapMembershipEndpoints();
        app.MapAuditEndpoints();
        app.MapAdminEndpoints();
        return app;
    }

    /// <summary>PostgreSQL text cannot hold U+0000: a query value carrying one is bad input, named, not a failed query.</summary>
    private static Task RefuseNulInQueryAsync(HttpContext context, RequestDelegate next)
    {
        foreach (var (name, values) in context.Request.Query)
        {
            if (name.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                return context.RequestServices.GetRequiredService<ApiProblems>().WriteAsync(context, StatusCodes.Status400BadRequest,
                    "Invalid input", "The value contains U+0000, which is not allowed.", name.Replace("\0", string.Empty, StringComparison.Ordinal));
            }
        }
        return next(context);
    }

    private static Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<ApiSettings>().MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return context.RequestServices.GetRequiredService<ApiProblems>().WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                "Request body too large", $"The body is {context.Request.ContentLength} bytes; the limit is {limit}.", "body");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit; // bodies without Content-Length are cut off by the server at the same size
        }
        return next(context);
    }
}
