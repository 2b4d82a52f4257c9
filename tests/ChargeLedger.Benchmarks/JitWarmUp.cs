using System.Diagnostics;
using System.Runtime;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// Sends rounds of warm-up traffic until a round leaves the JIT nearly idle. A cold process spends seconds of CPU in
/// the JIT (tier 0, then instrumented, then optimized code for every hot method), and the tiers move on only between
/// bursts of new methods, so one fixed warm-up is not enough on a busy machine: measured after 20,000 messages, the
/// ingest still compiled for 1.7 of its 3.6 s of CPU. The warm-up runs on charge points of its own, with the same mix
/// of messages (stops included), so the measured ones start from the state they would have had without it.
/// </summary>
internal static class JitWarmUp
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    /// <summary>Warm-up rounds of <paramref name="size"/> messages from the charge points after the measured ones.</summary>
    public static Func<int, Traffic> Rounds(Protocol.Ocpp.OcppTopics topics, int chargePoints, int size, Func<int, int> transactionOf) =>
        round => Traffic.Timed(topics, chargePoints, size, transactionOf, firstChargePoint: chargePoints, firstIndex: Traffic.WarmUpIndexBase + round * size);

    /// <summary>Runs <paramref name="send"/> (which returns once a round is fully processed) round by round; describes what it took.</summary>
    public static async Task<string> RunAsync(Func<int, Traffic> rounds, int maxRounds, Func<Traffic, Task> send)
    {
        var messages = 0;
        var compiledPerRound = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < maxRounds; round++)
        {
            var traffic = rounds(round);
            var jit = JitInfo.GetCompilationTime();
            await send(traffic);
            messages += traffic.Count;
            var compiled = JitInfo.GetCompilationTime() - jit;
            compiledPerRound.Add($"{compiled.TotalMilliseconds:0}");
            if (compiled < Quiet)
            {
                return $"warm-up (not measured): {messages:N0} msgs in {round + 1} rounds, {clock.Elapsed.TotalSeconds:0.0} s, JIT ms per round {string.Join(" ", compiledPerRound)}";
            }
        }
        return $"warm-up (not measured): {messages:N0} msgs in {maxRounds} rounds, {clock.Elapsed.TotalSeconds:0.0} s, JIT ms per round {string.Join(" ", compiledPerRound)} (still busy)";
    }
}
