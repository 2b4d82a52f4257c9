namespace ChargeLedger.Projections;

/// <summary>How the runner batches, waits and retries.</summary>
public sealed record ProjectionRunnerOptions
{
    /// <summary>Events per transaction.</summary>
    public int BatchSize { get; init; } = 2_000;

    /// <summary>Longest wait for the store's wake-up signal before polling the log anyway.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a standby process checks whether the active runner of a projection went away.</summary>
    public TimeSpan StandbyPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First and longest pause after a failure; the pause doubles between them while failures repeat.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rebuild automatically (into fresh tables, swapped in when caught up) when the stored version is older than the code's.</summary>
    public bool RebuildOnVersionChange { get; init; } = true;

    /// <summary>Where the runner reports failures and rebuilds; the status table holds the same facts for the API.</summary>
    public Action<string>? Log { get; init; }
}
