using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projections.AuditTrail;
using ChargeLedger.Projections.EnergyAudit;
using ChargeLedger.Projections.LiveStatus;
using ChargeLedger.Projections.Transactions;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.ReadModels.Tests;

/// <summary>
/// A migrated database of its own with the real event store and the support/audit projections running live
/// (small batches, so a scenario spans several). Domain events are appended one OCPP message per atomic unit.
/// </summary>
internal sealed class ReadModelDatabase : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly List<(CancellationTokenSource Stop, Task Run)> runs = [];

    private ReadModelDatabase(TestDatabase database)
    {
        this.database = database;
        DataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Store = new PostgresEventStore(DataSource);
    }

    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(60);

    public static IReadOnlyList<IProjection> Projections { get; } =
        [new LiveStatusProjection(), new TransactionsProjection(), new AuditTrailProjection(), new EnergyAuditProjection()];

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventStore Store { get; }

    public static async Task<ReadModelDatabase> CreateAsync(string prefix) =>
        new(await TestDatabase.CreateMigratedAsync(prefix).ConfigureAwait(false));

    public async Task AppendAsync(params Message[] messages)
    {
        var units = messages.Select(m => new AppendUnit(
            [.. m.Events
                .GroupBy(e => StreamIds.For(e) ?? throw new ArgumentException($"{e.GetType().Name} has no stream"))
                .Select(g => new StreamAppend(g.Key, ExpectedVersion.Any, [.. g.Select(e => Data(e, m.Metadata))]))])).ToList();
        var outcomes = await Store.AppendManyAsync(units, CancellationToken.None).ConfigureAwait(false);
        Assert.All(outcomes, o => Assert.IsType<AppendOutcome.Committed>(o));
    }

    /// <summary>Starts the projections' live runners (once) and waits until each has applied every event in the log.</summary>
    public async Task ProjectAsync()
    {
        if (runs.Count == 0)
        {
            var options = new ProjectionRunnerOptions
            {
                BatchSize = 7,
                IdlePoll = TimeSpan.FromMilliseconds(100),
                StandbyPoll = TimeSpan.FromMilliseconds(200),
                RetryMin = TimeSpan.FromMilliseconds(50),
                RetryMax = TimeSpan.FromMilliseconds(500),
            };
            foreach (var projection in Projections)
            {
                var stop = new CancellationTokenSource();
                var runner = new ProjectionRunner(Store, DataSource, projection, options);
                runs.Add((stop, Task.Run(() => runner.RunAsync(stop.Token))));
            }
        }
        long total;
        await using (var count = DataSource.CreateCommand("SELECT count(*) FROM events"))
        {
            total = (long)(await count.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
        var status = new ProjectionStatusReader(DataSource);
        foreach (var projection in Projections)
        {
            var caughtUp = await Eventually.ReturnsAsync(
                () => status.ReadAsync(projection.Name, CancellationToken.None),
                s => s is not null && (s.EventsApplied == total || s.State == ProjectionState.Failed),
                Deadline, $"{projection.Name} to apply {total} events").ConfigureAwait(false);
            Assert.True(caughtUp!.State != ProjectionState.Failed, $"{projection.Name} failed: {caughtUp.LastError}");
        }
    }

    public async Task StopAsync()
    {
        foreach (var (stop, run) in runs)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.WaitAsync(Deadline).ConfigureAwait(false);
            stop.Dispose();
        }
        runs.Clear();
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await database.DisposeAsync().ConfigureAwait(false);
    }

    private static EventData Data(object domainEvent, EventMetadata metadata)
    {
        var (type, json) = EventSerializer.Serialize(domainEvent);
        return new EventData(Guid.NewGuid(), type, json, metadata);
    }
}
