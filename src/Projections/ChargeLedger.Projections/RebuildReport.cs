using System.Globalization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections;

/// <summary>A key whose comparison value differs between the old and the rebuilt read model (null: absent on that side).</summary>
public sealed record RebuildDifference(string Key, string? Old, string? New);

/// <summary>
/// What a rebuild did: how far it read, how fast, and which keys of the projection's comparison query came out
/// different from the copy it replaced (e.g. the sessions a tariff fix re-priced). <paramref name="Built"/> is the time
/// until the fresh copy had caught up with its indexes built; <paramref name="Elapsed"/> adds the comparison and the swap.
/// </summary>
public sealed record RebuildReport(
    string Projection,
    int FromVersion,
    int ToVersion,
    Checkpoint Checkpoint,
    Checkpoint OldCheckpoint,
    long EventsApplied,
    TimeSpan Built,
    TimeSpan Elapsed,
    long KeysCompared,
    long DifferenceCount,
    IReadOnlyList<RebuildDifference> Differences,
    bool Swapped)
{
    public double EventsPerSecond => Rate(Elapsed);

    /// <summary>The rate of building the fresh copy alone, without the comparison and the swap.</summary>
    public double BuildEventsPerSecond => Rate(Built);

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"rebuild {Projection} v{FromVersion}->v{ToVersion}: {EventsApplied} events built in {Built.TotalSeconds:0.0} s ({BuildEventsPerSecond:0} events/s), " +
        $"compared and swapped after {Elapsed.TotalSeconds:0.0} s ({EventsPerSecond:0} events/s) up to {Checkpoint}; " +
        $"{KeysCompared} keys compared (old copy at {OldCheckpoint}), {DifferenceCount} differ; {(Swapped ? "swapped in" : "not swapped (dry run)")}");

    private double Rate(TimeSpan time) => time > TimeSpan.Zero ? EventsApplied / time.TotalSeconds : 0;
}
