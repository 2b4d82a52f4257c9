namespace ChargeLedger.EventStore;

public static class TempStageTimes
{
    public static readonly long[] Ticks = new long[8];
    public static readonly string[] Names = ["prepare", "plan", "link", "begin+locks", "copy", "final", "total", "-"];
    public static void Add(int stage, long start) => Interlocked.Add(ref Ticks[stage], System.Diagnostics.Stopwatch.GetTimestamp() - start);
    public static string Report(int batches) => string.Join(", ", Names.Select((n, i) => $"{n} {System.Diagnostics.Stopwatch.GetElapsedTime(0, Ticks[i]).TotalMilliseconds / batches:0.00}"));
    public static void Reset() => Array.Clear(Ticks);
}
