using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ChargeLedger.Api.Hosting;
using ChargeLedger.Api.Observability;
using ChargeLedger.Projections;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ChargeLedger.Api.Endpoints;

public sealed record HealthCheck(string Name, bool Healthy, string Detail);

public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

/// <summary>Liveness, readiness and Prometheus metrics: open to any caller (no API key), as probes and scrapers expect.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().WithTags("Operations");
        group.MapGet("/health/live", Live).WithName("HealthLive");
        group.MapGet("/health/ready", ReadyAsync).WithName("HealthReady");
        group.MapGet("/metrics", MetricsAsync).WithName("Metrics").Produces<string>(contentType: "text/plain");
        return app;
    }

    public static Ok<HealthReport> Live() => TypedResults.Ok(new HealthReport("live", []));

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> ReadyAsync(
        NpgsqlDataSource dataSource, ProjectionLagMonitor lag, ApiSettings settings, CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>
        {
            await CheckAsync("database", async () =>
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return "reachable";
            }).ConfigureAwait(false),
            await CheckAsync("broker", async () =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                using var client = new TcpClient();
                await client.ConnectAsync(settings.MqttHost, settings.MqttPort, timeout.Token).ConfigureAwait(false);
                return $"{settings.MqttHost}:{settings.MqttPort} accepts connections";
            }).ConfigureAwait(false),
            await CheckAsync("projections", async () =>
            {
                var statuses = await lag.CurrentAsync(cancellationToken).ConfigureAwait(false);
                var late = statuses.Where(s => s.SecondsBehind > settings.ReadyMaxLagSeconds || s.State == ProjectionState.Failed).ToList();
                return late.Count == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{statuses.Count} projections within {settings.ReadyMaxLagSeconds} s of the head")
                    : throw new InvalidOperationException(string.Join("; ", late.Select(s =>
                        string.Create(CultureInfo.InvariantCulture, $"{s.Name}{(s.State == ProjectionState.Failed ? " failed: " + s.LastError : "")} {s.EventsBehind} events / {s.SecondsBehind:0.#} s behind"))));
            }).ConfigureAwait(false),
        };
        var ready = checks.All(c => c.Healthy);
        var report = new HealthReport(ready ? "ready" : "not ready", checks);
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<ContentHttpResult> MetricsAsync(
        RequestMetrics requests, ProjectionLagMonitor lag, IngestRate ingest, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        requests.WriteTo(text);
        text.Append("# HELP chargeledger_projection_lag_events Events a projection has not applied yet.\n# TYPE chargeledger_projection_lag_events gauge\n");
        var statuses = await lag.CurrentAsync(cancellationToken).ConfigureAwait(false);
        foreach (var s in statuses)
        {
            text.Append(CultureInfo.InvariantCulture, $"chargeledger_projection_lag_events{{projection=\"{s.Name}\"}} {s.EventsBehind}\n");
        }
        text.Append("# HELP chargeledger_projection_lag_seconds How long the oldest unapplied event has waited.\n# TYPE chargeledger_projection_lag_seconds gauge\n");
        foreach (var s in statuses)
        {
            text.Append(CultureInfo.InvariantCulture, $"chargeledger_projection_lag_seconds{{projection=\"{s.Name}\"}} {s.SecondsBehind}\n");
        }
        var rate = await ingest.EventsPerSecondAsync(cancellationToken).ConfigureAwait(false);
        text.Append(CultureInfo.InvariantCulture,
            $"# HELP chargeledger_ingest_events_per_second Events appended per second over the last {IngestRate.WindowSeconds} s.\n# TYPE chargeledger_ingest_events_per_second gauge\nchargeledger_ingest_events_per_second {rate}\n");
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private static async Task<HealthCheck> CheckAsync(string name, Func<Task<string>> probe)
    {
        try
        {
            return new HealthCheck(name, true, await probe().ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new HealthCheck(name, false, e.Message);
        }
    }
}
