using ChargeLedger.EventStore;
using ChargeLedger.Projections;

namespace ChargeLedger.Benchmarks;

/// <summary>One line per rebuild for the rebuild benchmarks: build rate against the scan baseline, then comparison and swap.</summary>
internal static class RebuildFigures
{
    private const double Target = 50_000;

    public static string Describe(RebuildReport report, double scanRate)
    {
        var compared = report.OldCheckpoint == Checkpoint.Start ? "nothing to compare with (the live copy was empty)" : $"{report.DifferenceCount} differ";
        return $"rebuild {report.Projection}: {report.EventsApplied:N0} events built in {report.Built.TotalSeconds:0.0} s = {report.BuildEventsPerSecond:N0} events/s, " +
            $"ratio to scan {report.BuildEventsPerSecond / scanRate:0.00}; target >= {Target:N0} events/s: {(report.BuildEventsPerSecond >= Target ? "met" : "NOT met")}; " +
            $"compared and swapped after {report.Elapsed.TotalSeconds:0.0} s = {report.EventsPerSecond:N0} events/s; {report.KeysCompared:N0} keys compared, {compared}";
    }
}
