using System.Diagnostics.Tracing;
using System.Globalization;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// With CHARGELEDGER_BENCH_JIT_TRACE=1, counts the methods the JIT compiles while <see cref="Recording"/> is set and
/// describes the most frequent: what a measured span still compiles after the warm-up, and at which tier.
/// </summary>
internal sealed class JitTrace() : RuntimeEventTally((EventKeywords)0x10, "MethodLoadVerbose")
{
    public static JitTrace? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CHARGELEDGER_BENCH_JIT_TRACE") == "1" ? new JitTrace() : null;

    public bool Recording { get; set; }

    protected override bool Listening => Recording;

    public string Describe(int top = 25) =>
        $"JIT trace: {Sum:N0} compilations of {Keys:N0} methods; most frequent:" + Environment.NewLine +
        string.Join(Environment.NewLine, Top(top).Select(c => $"  {c.Amount,5} {c.Key}"));

    protected override (string Key, long Amount)? Tally(IReadOnlyDictionary<string, object?> payload)
    {
        // Bits 7-9 of the flags hold the runtime's optimization tier (3 quick JIT, 4 the optimizing tier-1 recompile).
        var tier = (Convert.ToUInt32(payload.GetValueOrDefault("MethodFlags") ?? 0u, CultureInfo.InvariantCulture) >> 7) & 0x7;
        return ($"{payload.GetValueOrDefault("MethodNamespace")}::{payload.GetValueOrDefault("MethodName")} (tier {tier})", 1);
    }
}
