using System.Collections.Concurrent;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections.Tests;

public sealed class SharedPagesTests
{
    [Fact]
    public async Task GivenThreeProjectionsInOneHost_WhenTheyCatchUpFromZero_ThenEachFullPageIsReadFromTheStoreOnceAndEveryProjectionAppliesEveryEvent()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_shared");
        await db.AppendAsync(count: 500, streams: 7);
        // Page boundaries must be the same for every runner, so none may start while the append is still hidden.
        await db.WaitReadableAsync();
        var store = new CountingStore(db.Store);
        string[] names = ["shared_a", "shared_b", "shared_c"];
        using var stop = new CancellationTokenSource();
        var host = new ProjectionHost(store, db.DataSource, names.Select(n => new PositionLogProjection(n)), ProjectionDatabase.FastOptions).RunAsync(stop.Token);
        try
        {
            foreach (var name in names)
            {
                Assert.Equal(500, (await db.WaitCaughtUpAsync(name)).EventsApplied);
                Assert.Equal(500L, await db.ScalarAsync<long>($"SELECT count(DISTINCT position) FROM rm_{name}.applied"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await host.WaitAsync(ProjectionDatabase.Deadline);
        }

        // 500 events in pages of 50: ten full pages, each read once for the three runners.
        Assert.Equal(10, store.FullPageReads.Count);
        Assert.All(store.FullPageReads, read => Assert.Equal(1, read.Value));
    }

    /// <summary>The real store, counting the full pages it serves per starting checkpoint.</summary>
    private sealed class CountingStore(IEventStore inner) : IEventStore
    {
        public ConcurrentDictionary<Checkpoint, int> FullPageReads { get; } = new();

        public async Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken)
        {
            var page = await inner.ReadAllAsync(after, maxCount, cancellationToken);
            if (page.Events.Count == maxCount)
            {
                FullPageReads.AddOrUpdate(after, 1, (_, n) => n + 1);
            }
            return page;
        }

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => inner.AppendAsync(unit, cancellationToken);

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) => inner.AppendManyAsync(units, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) =>
            inner.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForAppendAsync(timeout, cancellationToken);

        public long AppendSignals => inner.AppendSignals;

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => inner.VerifyStreamAsync(streamId, cancellationToken);
    }
}
