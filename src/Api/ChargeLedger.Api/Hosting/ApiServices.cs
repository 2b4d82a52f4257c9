using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Observability;
using ChargeLedger.Api.Problems;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Api.Hosting;

public static class ApiServices
{
    /// <summary>Everything the API host needs; settings come from configuration (environment variables) when first used.</summary>
    public static IServiceCollection AddChargeLedgerApi(this IServiceCollection services)
    {
        services.AddSingleton(sp => ApiSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<ApiSettings>().PostgresConnectionString));
        services.AddSingleton<IEventStore>(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IClock>(NodaTime.SystemClock.Instance);
        services.AddSingleton<ProjectionStatusReader>();
        services.AddSingleton<ProjectionLagMonitor>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<IngestRate>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<CommandWriter>();
        services.AddChargeLedgerQueries();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new InstantJsonConverter());
            o.SerializerOptions.Converters.Add(new Http.LocalDateJsonConverter());
            o.SerializerOptions.Converters.Add(new Http.DecimalStringJsonConverter());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowReadingFromString;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddSingleton<ApiProblems>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddRateLimiter(ConfigureRateLimiting);
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<ApiKeyOpenApi>();
            o.AddOperationTransformer<ApiKeyOpenApi>();
        });
        return services;
    }

    /// <summary>A token bucket per API key (anonymous callers share one per remote address), refilled every 100 ms.</summary>
    private static void ConfigureRateLimiting(RateLimiterOptions options)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            var perSecond = Math.Max(1, http.RequestServices.GetRequiredService<ApiSettings>().RateLimitPerSecond);
            var partition = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous:" + http.Connection.RemoteIpAddress;
            return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = Math.Max(1, perSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            await context.HttpContext.RequestServices.GetRequiredService<ApiProblems>().WriteAsync(
                context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                "This API key exceeded its request rate; retry after the time in Retry-After.", ApiKeyAuthenticationHandler.HeaderName).ConfigureAwait(false);
        };
    }
}
