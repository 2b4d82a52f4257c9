using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projections.AuditTrail;
using ChargeLedger.Projections.Complaints;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.TestSupport;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.Billing;

/// <summary>
/// A <see cref="ReadModelDatabase"/> (own database, real store) running the billing read models live in small batches:
/// the ledger, complaints and the audit trail the complaint view reuses.
/// </summary>
internal sealed class BillingDatabase : IAsyncDisposable
{
    private readonly ReadModelDatabase inner;
    private readonly List<(CancellationTokenSource Stop, Task Run)> runs = [];
    private readonly List<string> names = [];

    private BillingDatabase(ReadModelDatabase inner) => this.inner = inner;

    public static ProjectionRunnerOptions FastOptions { get; } = new()
    {
        BatchSize = 5,
        IdlePoll = TimeSpan.FromMilliseconds(100),
        StandbyPoll = TimeSpan.FromMilliseconds(200),
        RetryMin = TimeSpan.FromMilliseconds(20),
        RetryMax = TimeSpan.FromMilliseconds(200),
    };

    public Npgsql.NpgsqlDataSource DataSource => inner.DataSource;

    public PostgresEventStore Store => inner.Store;

    public static async Task<BillingDatabase> CreateAsync(string prefix) => new(await ReadModelDatabase.CreateAsync(prefix));

    public static IReadOnlyList<IProjection> DefaultProjections() => [new BillingLedgerProjection(), new ComplaintsProjection(), new AuditTrailProjection()];

    public Task AppendAsync(params Message[] messages) => inner.AppendAsync(messages);

    /// <summary>Back-office events (tariffs, idTags, complaints) as the API appends them, one command per message.</summary>
    public static Message Command(Instant at, params object[] events) => new(events, new EventMetadata(Source: "api", ReceivedAt: at));

    /// <summary>
    /// Starts the runners (once) and waits until each has applied every event of the log; a runner reporting a failure
    /// fails the test unless <paramref name="tolerateFailures"/> (the runner retries failed batches).
    /// </summary>
    public async Task ProjectAsync(IReadOnlyList<IProjection>? projections = null, bool tolerateFailures = false)
    {
        projections ??= runs.Count == 0 ? DefaultProjections() : null;
        foreach (var projection in projections ?? [])
        {
            var stop = new CancellationTokenSource();
            var runner = new ProjectionRunner(Store, DataSource, projection, FastOptions);
            runs.Add((stop, Task.Run(() => runner.RunAsync(stop.Token))));
            names.Add(projection.Name);
        }
        await using var count = DataSource.CreateCommand("SELECT count(*) FROM events");
        var total = (long)(await count.ExecuteScalarAsync())!;
        var status = new ProjectionStatusReader(DataSource);
        foreach (var name in names)
        {
            var caughtUp = await Eventually.ReturnsAsync(
                () => status.ReadAsync(name, CancellationToken.None),
                s => s is not null && (s.EventsApplied == total || s.State == ProjectionState.Failed && !tolerateFailures),
                ReadModelDatabase.Deadline, $"{name} to apply {total} events");
            Assert.True(caughtUp!.EventsApplied == total, $"{name} failed: {caughtUp.LastError}");
        }
    }

    public async Task StopAsync()
    {
        foreach (var (stop, run) in runs)
        {
            await stop.CancelAsync();
            await run.WaitAsync(ReadModelDatabase.Deadline);
            stop.Dispose();
        }
        runs.Clear();
    }

    /// <summary>The global position of the last event in the log.</summary>
    public async Task<long> HeadAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT max(position) FROM events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await inner.DisposeAsync();
    }
}
