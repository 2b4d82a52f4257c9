using System.Diagnostics;
using System.Globalization;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>Where the ingest spends its time, per stage, accumulated since start (read by operators and the benchmark).</summary>
public sealed class StageTimes
{
    public enum Stage
    {
        Decode,
        Load,
        Allocate,
        Decide,
        Serialize,
        Append,
        Settle,
        Reply,
    }

    private readonly long[] ticks = new long[Enum.GetValues<Stage>().Length];

    public void Add(Stage stage, long startedTimestamp) => Interlocked.Add(ref ticks[(int)stage], Stopwatch.GetTimestamp() - startedTimestamp);

    public TimeSpan this[Stage stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks[(int)stage]));

    /// <summary>Microseconds per message for each stage.</summary>
    public string PerMessage(long messages) => string.Join(", ", Enum.GetValues<Stage>().Select(s =>
        string.Create(CultureInfo.InvariantCulture, $"{s.ToString().ToLowerInvariant()} {this[s].TotalMicroseconds / Math.Max(1, messages):0.0}")) ) + " µs/msg";
}
