using System.Globalization;
using ChargeLedger.Projections;

namespace ChargeLedger.Api.Observability;

/// <summary>How far behind the head of the log a set of read models is.</summary>
public readonly record struct ProjectionLag(long Events, double Seconds, bool Known)
{
    public string HeaderValue => Known
        ? string.Create(CultureInfo.InvariantCulture, $"events={Events}; seconds={Seconds:0.###}")
        : "unknown";
}

/// <summary>
/// Projection lag (<see cref="ProjectionStatusReader"/>), read at most once per <see cref="MaxAge"/> and shared by every request. A stale value is served
/// while one background read refreshes it, so no request waits on the status query (except the very first).
/// </summary>
public sealed class ProjectionLagMonitor(ProjectionStatusReader reader, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly Lock gate = new();
    private Task<IReadOnlyList<ProjectionStatus>>? current;
    private Task<IReadOnlyList<ProjectionStatus>>? refreshing;
    private long readAt;

    public async Task<IReadOnlyList<ProjectionStatus>> CurrentAsync(CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<ProjectionStatus>> result;
        lock (gate)
        {
            if (current is null || current.IsFaulted)
            {
                current = refreshing = ReadAsync();
            }
            else if (refreshing is null && time.GetElapsedTime(readAt) >= MaxAge)
            {
                refreshing = ReadAsync();
            }
            result = current.IsCompletedSuccessfully || refreshing is null ? current : refreshing;
        }
        return await result.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ProjectionStatus>> ReadAsync()
    {
        await Task.Yield();
        try
        {
            var statuses = await reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false);
            lock (gate)
            {
                current = Task.FromResult(statuses);
                readAt = time.GetTimestamp();
            }
            return statuses;
        }
        finally
        {
            lock (gate)
            {
                refreshing = null;
            }
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
