using System.Diagnostics.Tracing;
using System.Globalization;

namespace ChargeLedger.Benchmarks;

/// <summary>Samples the runtime's allocation ticks (one per ~100 KB allocated) by type: where a benchmark's garbage comes from.</summary>
internal sealed class AllocationSampler() : RuntimeEventTally((EventKeywords)0x1, "GCAllocationTick")
{
    protected override (string Key, long Amount)? Tally(IReadOnlyDictionary<string, object?> payload) =>
        (payload.GetValueOrDefault("TypeName") as string ?? "?", Convert.ToInt64(payload.GetValueOrDefault("AllocationAmount64"), CultureInfo.InvariantCulture));
}
