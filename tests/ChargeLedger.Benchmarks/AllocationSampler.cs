using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ChargeLedger.Benchmarks;

/// <summary>Samples the runtime's allocation ticks (one per ~100 KB allocated) by type: where a benchmark's garbage comes from.</summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> bytes = new(StringComparer.Ordinal);

    public void Clear() => bytes.Clear();

    public IEnumerable<(string Type, long Bytes)> Top(int count) =>
        bytes.OrderByDescending(b => b.Value).Take(count).Select(b => (b.Key, b.Value));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && eventData.Payload is { } payload && eventData.PayloadNames is { } names)
        {
            var type = payload[names.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(payload[names.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
            bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
        }
    }
}
