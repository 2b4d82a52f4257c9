using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// Listens to the runtime's own events of one keyword, in process, and adds up an amount per key for the events whose
/// name starts with a prefix: the shared part of the benchmarks' diagnostics (allocations by type, JIT by method).
/// </summary>
internal abstract class RuntimeEventTally(EventKeywords keyword, string eventPrefix) : EventListener
{
    // Initialized before the base constructor, which already announces the existing event sources.
    private readonly EventKeywords keyword = keyword;
    private readonly string eventPrefix = eventPrefix;
    private readonly ConcurrentDictionary<string, long> totals = new(StringComparer.Ordinal);

    public void Clear() => totals.Clear();

    public long Sum => totals.Values.Sum();

    public int Keys => totals.Count;

    public IEnumerable<(string Key, long Amount)> Top(int count) =>
        totals.OrderByDescending(t => t.Value).Take(count).Select(t => (t.Key, t.Value));

    /// <summary>The key and amount one event adds, or null to skip it.</summary>
    protected abstract (string Key, long Amount)? Tally(IReadOnlyDictionary<string, object?> payload);

    protected virtual bool Listening => true;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, keyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Listening || eventData.EventName?.StartsWith(eventPrefix, StringComparison.Ordinal) != true || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }
        if (Tally(names.Zip(payload).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)) is { } tally)
        {
            totals.AddOrUpdate(tally.Key, tally.Amount, (_, total) => total + tally.Amount);
        }
    }
}
