using System.Diagnostics;

namespace ChargeLedger.Ingest.Hosting;

/// <summary>Batch counts, sizes and decide+commit time, logged at most every 10 seconds so an operator sees how the group commit behaves.</summary>
internal sealed class BatchStatistics
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private long since = Stopwatch.GetTimestamp();
    private int batches;
    private long messages;
    private TimeSpan busy;

    public void Record(int size, TimeSpan elapsed, Action<string> log)
    {
        batches++;
        messages += size;
        busy += elapsed;
        var window = Stopwatch.GetElapsedTime(since);
        if (window >= Period)
        {
            log($"{messages / window.TotalSeconds:0} msg/s in {batches} batches (avg {(double)messages / batches:0.0} msgs, {busy.TotalMilliseconds / batches:0.0} ms decide+commit, busy {busy / window:P0})");
            since = Stopwatch.GetTimestamp();
            batches = 0;
            messages = 0;
            busy = TimeSpan.Zero;
        }
    }
}
