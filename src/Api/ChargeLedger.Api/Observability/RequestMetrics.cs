using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ChargeLedger.Api.Observability;

/// <summary>A Prometheus histogram of API request durations per route template, method and status code.</summary>
public sealed class RequestMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly ConcurrentDictionary<(string Route, string Method, int Status), Series> series = new();

    public void Record(string route, string method, int status, double seconds) =>
        series.GetOrAdd((route, method, status), _ => new Series()).Add(seconds);

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP chargeledger_api_request_duration_seconds API request durations.\n");
        text.Append("# TYPE chargeledger_api_request_duration_seconds histogram\n");
        foreach (var ((route, method, status), s) in series.OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Method).ThenBy(e => e.Key.Status))
        {
            var labels = string.Create(CultureInfo.InvariantCulture, $"route=\"{Escape(route)}\",method=\"{method}\",status=\"{status}\"");
            var (counts, count, sum) = s.Snapshot();
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += counts[i];
                text.Append(CultureInfo.InvariantCulture, $"chargeledger_api_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {cumulative}\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"chargeledger_api_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}\n");
            text.Append(CultureInfo.InvariantCulture, $"chargeledger_api_request_duration_seconds_sum{{{labels}}} {sum}\n");
            text.Append(CultureInfo.InvariantCulture, $"chargeledger_api_request_duration_seconds_count{{{labels}}} {count}\n");
        }
    }

    public static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>Times every request; the route label is the endpoint's template so ids do not explode the series.</summary>
    public static async Task MeasureAsync(HttpContext context, RequestDelegate next, RequestMetrics metrics)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.Record(route, context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private sealed class Series
    {
        private readonly long[] counts = new long[Buckets.Length];
        private readonly Lock gate = new();
        private long count;
        private double sum;

        public void Add(double seconds)
        {
            lock (gate)
            {
                var bucket = Array.FindIndex(Buckets, b => seconds <= b);
                if (bucket >= 0)
                {
                    counts[bucket]++;
                }
                count++;
                sum += seconds;
            }
        }

        public (long[] Counts, long Count, double Sum) Snapshot()
        {
            lock (gate)
            {
                return ((long[])counts.Clone(), count, sum);
            }
        }
    }
}
