using System.Text;
using ChargeLedger.EventStore;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Projections.Tests;

/// <summary>A migrated database of its own with the real event store, plus helpers to append and to run projections.</summary>
internal sealed class ProjectionDatabase : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly List<(CancellationTokenSource Stop, Task Run)> runs = [];

    private ProjectionDatabase(TestDatabase database)
    {
        this.database = database;
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Store = new PostgresEventStore(DataSource);
    }

    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(60);

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventStore Store { get; }

    public ProjectionStatusReader Status => new(DataSource);

    public static async Task<ProjectionDatabase> CreateAsync(string prefix) =>
        new(await TestDatabase.CreateMigratedAsync(prefix).ConfigureAwait(false));

    public static ProjectionRunnerOptions FastOptions { get; } = new()
    {
        BatchSize = 50,
        IdlePoll = TimeSpan.FromMilliseconds(200),
        StandbyPoll = TimeSpan.FromMilliseconds(200),
        RetryMin = TimeSpan.FromMilliseconds(20),
        RetryMax = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Appends <paramref name="count"/> events spread over <paramref name="streams"/> streams, one transaction per call.</summary>
    public async Task AppendAsync(int count, int streams, string prefix = "cp")
    {
        var units = Enumerable.Range(0, count)
            .GroupBy(i => i % streams)
            .Select(g => new AppendUnit(new StreamAppend($"{prefix}-{g.Key}", ExpectedVersion.Any, [.. g.Select(Event)])))
            .ToList();
        var outcomes = await Store.AppendManyAsync(units, CancellationToken.None).ConfigureAwait(false);
        Assert.All(outcomes, o => Assert.IsType<AppendOutcome.Committed>(o));
    }

    /// <summary>
    /// Waits until readers can see every appended event: the log is read only below the cluster's oldest running
    /// transaction, and other tests (in other databases of the same cluster) may hold one open for a while.
    /// </summary>
    public async Task WaitReadableAsync()
    {
        var last = await ScalarAsync<long>("SELECT max(position) FROM events");
        await Eventually.TrueAsync(async () => (await Store.ReadHeadAsync(CancellationToken.None)).Position == last, Deadline, "the log to be readable");
    }

    private static EventData Event(int i) => new(
        Guid.NewGuid(),
        i % 3 == 0 ? "MeterValuesReceived" : "HeartbeatReceived",
        Encoding.UTF8.GetBytes($$"""{"n":{{i}}}"""),
        new EventMetadata(Source: "test"));

    /// <summary>Starts a runner in the background; it is stopped (and must stop cleanly) on dispose.</summary>
    public void Start(IProjection projection, ProjectionRunnerOptions? options = null)
    {
        var stop = new CancellationTokenSource();
        var runner = new ProjectionRunner(Store, DataSource, projection, options ?? FastOptions);
        runs.Add((stop, Task.Run(() => runner.RunAsync(stop.Token))));
    }

    /// <summary>Stops every runner started so far and waits for each to return.</summary>
    public async Task StopAllAsync()
    {
        foreach (var (stop, run) in runs)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.WaitAsync(Deadline).ConfigureAwait(false);
            stop.Dispose();
        }
        runs.Clear();
    }

    public Task<ProjectionStatus> WaitCaughtUpAsync(string projection) =>
        Eventually.ReturnsAsync(
            async () => await Status.ReadAsync(projection, CancellationToken.None).ConfigureAwait(false),
            s => s is { EventsBehind: 0, State: ProjectionState.Running } && s.Checkpoint != Checkpoint.Start,
            Deadline, $"{projection} to catch up")!;

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await database.DisposeAsync().ConfigureAwait(false);
    }
}
