namespace ChargeLedger.EventStore;

// TEMPORARY profiling counters (to be removed).
public static class AppendProfile
{
    public static readonly long[] Ticks = new long[8];
    public static readonly string[] Names = ["prepare", "open", "plan+link", "build", "execute", "read", "close", "total"];

    public static bool Prepare;
    public static bool Async;

    public static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();

    public static void Add(int stage, ref long start)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.Add(ref Ticks[stage], now - start);
        start = now;
    }

    public static string Report(long commits) =>
        string.Join(", ", Names.Select((n, i) => $"{n} {Ticks[i] / (double)commits / System.Diagnostics.Stopwatch.Frequency * 1e6:0} us"));

    public static void Reset() => Array.Clear(Ticks);
}
