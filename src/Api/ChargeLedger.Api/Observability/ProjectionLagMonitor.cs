using System.Globalization;

namespace ChargeLedger.Api.Observability;

/// <summary>How far behind the head of the log a set of read models is.</summary>
public readonly record struct ProjectionLag(long Events, double Seconds, bool Known)
{
    public string HeaderValue => Known
        ? string.Create(CultureInfo.InvariantCulture, $"events={Events}; seconds={Seconds:0.###}")
        : "unknown";
}

/// <summary>
/// Projection status, read at most once per <see cref="MaxAge"/> and shared by every request, so the lag header
/// costs nothing per request.
/// </summary>
public sealed class ProjectionLagMonitor(ProjectionLagReader reader, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim refresh = new(1, 1);
    private IReadOnlyList<ProjectionLagStatus> statuses = [];
    private long readAt = long.MinValue;

    public async Task<IReadOnlyList<ProjectionLagStatus>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (time.GetElapsedTime(readAt) < MaxAge && readAt != long.MinValue)
        {
            return statuses;
        }
        await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (readAt == long.MinValue || time.GetElapsedTime(readAt) >= MaxAge)
            {
                statuses = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                readAt = time.GetTimestamp();
            }
            return statuses;
        }
        finally
        {
            refresh.Release();
        }
    }

    /// <summary>The worst lag among the named projections; unknown while none of them has started.</summary>
    public async Task<ProjectionLag> LagAsync(IReadOnlyCollection<string> projections, CancellationToken cancellationToken)
    {
        var relevant = (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Where(s => projections.Contains(s.Name)).ToList();
        return relevant.Count == 0
            ? new ProjectionLag(0, 0, Known: false)
            : new ProjectionLag(relevant.Max(s => s.EventsBehind), relevant.Max(s => s.SecondsBehind), Known: true);
    }
}

/// <summary>Adds <c>X-Projection-Lag: events=N; seconds=S</c> to every response of a projection-backed route.</summary>
public sealed class ProjectionLagFilter(ProjectionLagMonitor monitor, IReadOnlyCollection<string> projections) : IEndpointFilter
{
    public const string HeaderName = "X-Projection-Lag";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var lag = await monitor.LagAsync(projections, context.HttpContext.RequestAborted).ConfigureAwait(false);
        context.HttpContext.Response.Headers[HeaderName] = lag.HeaderValue;
        return await next(context).ConfigureAwait(false);
    }
}
