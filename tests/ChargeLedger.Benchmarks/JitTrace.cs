using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// With CHARGELEDGER_BENCH_JIT_TRACE=1, counts the methods the JIT compiles while <see cref="Recording"/> is set (the
/// runtime's own events, in process) and describes the most frequent: what a measured span still compiles after the
/// warm-up, and at which tier.
/// </summary>
internal sealed class JitTrace : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private readonly ConcurrentDictionary<string, int> compiled = new(StringComparer.Ordinal);

    public static JitTrace? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CHARGELEDGER_BENCH_JIT_TRACE") == "1" ? new JitTrace() : null;

    public bool Recording { get; set; }

    public string Describe(int top = 25) =>
        $"JIT trace: {compiled.Values.Sum():N0} compilations of {compiled.Count:N0} methods; most frequent:" + Environment.NewLine +
        string.Join(Environment.NewLine, compiled.OrderByDescending(c => c.Value).Take(top).Select(c => $"  {c.Value,5} {c.Key}"));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Recording || eventData.EventName?.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) != true || eventData.Payload is not { } payload)
        {
            return;
        }
        var fields = eventData.PayloadNames!.Zip(payload).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var flags = Convert.ToUInt32(fields.GetValueOrDefault("MethodFlags") ?? 0u, System.Globalization.CultureInfo.InvariantCulture);
        // Bits 7-9 of the flags hold the optimization tier (1 minopts, 2 optimized, 3 quick JIT, 4 tier 1, 5 instrumented).
        var tier = (flags >> 7) & 0x7;
        compiled.AddOrUpdate($"{fields.GetValueOrDefault("MethodNamespace")}::{fields.GetValueOrDefault("MethodName")} (tier {tier})", 1, (_, n) => n + 1);
    }
}
