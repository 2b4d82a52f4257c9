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

        app.MapOpenApi().AllowAnonymous();
        app.MapDocsEndpoints();
        app.MapOperationsEndpoints();
        app.MapSupportEndpoints();
        app.MapBillingEndpoints();
        app.MapTariffAssignmentEndpoints();
        app.MapAuditEndpoints();
        app.MapAdminEndpoints();
        return app;
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
