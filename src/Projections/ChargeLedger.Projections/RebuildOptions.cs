namespace ChargeLedger.Projections;

public sealed record RebuildOptions
{
    /// <summary>Events per transaction while filling the fresh copy.</summary>
    public int BatchSize { get; init; } = 5_000;

    /// <summary>How many differing keys the report lists (all are counted).</summary>
    public int MaxDifferencesListed { get; init; } = 1_000;

    /// <summary>Build and compare, then discard the fresh copy instead of swapping it in.</summary>
    public bool DryRun { get; init; }

    public Action<string>? Log { get; init; }
}
