using ChargeLedger.EventStore;

namespace ChargeLedger.Projections.Tests;

/// <summary>
/// Runners at the head share the read of the head page, and a runner never sleeps on a head read that an append
/// signalled after the read began but before the runner listened might be missing from.
/// </summary>
public sealed class HeadSharingTests
{
    [Fact]
    public async Task GivenAnEmptyHeadReadInFlight_WhenTwoMoreRunnersAskForTheSamePage_ThenTheStoreIsReadOnceAndALaterAskReadsAgain()
    {
        var inner = new ScriptedStore();
        var shared = new SharedLogPages(inner);

        var first = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        var second = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        var third = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        inner.Release(new LogPage([], Checkpoint.Start, SignalsBefore: 7));
        var pages = await Task.WhenAll(first, second, third).WaitAsync(ProjectionDatabase.Deadline);

        Assert.Equal(1, inner.Reads);
        Assert.All(pages, page => Assert.Same(pages[0], page));
        Assert.Equal(7, pages[0].SignalsBefore);

        var later = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        inner.Release(new LogPage([], Checkpoint.Start, SignalsBefore: 8));
        Assert.Equal(8, (await later.WaitAsync(ProjectionDatabase.Deadline)).SignalsBefore);
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task GivenAHeadPageWithEvents_WhenARunnerAsksForItAfterLaterAppends_ThenItIsReusedWithTheSignalCountOfItsRead()
    {
        var inner = new ScriptedStore { AppendSignals = 3 };
        var shared = new SharedLogPages(inner);
        var head = new LogPage([Event(position: 1)], new Checkpoint(10, 1), SignalsBefore: 3);

        var first = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        inner.Release(head);
        await first.WaitAsync(ProjectionDatabase.Deadline);
        inner.AppendSignals = 4;
        var late = await shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None).WaitAsync(ProjectionDatabase.Deadline);

        // The late runner began waiting at 4 or later: the page's 3 tells it to read on after applying it.
        Assert.Same(head, late);
        Assert.Equal(3, late.SignalsBefore);
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task GivenAHeadPageReadFromAnEarlierCheckpoint_WhenARunnerAsksFromInsideIt_ThenItGetsTheRestOfThatPageWithoutReadingTheStore()
    {
        var inner = new ScriptedStore();
        var shared = new SharedLogPages(inner);
        var head = new LogPage([Event(position: 1), Event(position: 2), Event(position: 3)], new Checkpoint(10, 3), SignalsBefore: 5);
        var first = shared.ReadAllAsync(Checkpoint.Start, 50, CancellationToken.None);
        inner.Release(head);
        await first.WaitAsync(ProjectionDatabase.Deadline);

        var rest = await shared.ReadAllAsync(new Checkpoint(10, 1), 50, CancellationToken.None).WaitAsync(ProjectionDatabase.Deadline);
        var outside = shared.ReadAllAsync(new Checkpoint(10, 3), 50, CancellationToken.None);
        inner.Release(new LogPage([], new Checkpoint(10, 3), SignalsBefore: 5));
        await outside.WaitAsync(ProjectionDatabase.Deadline);

        Assert.Equal([2L, 3L], rest.Events.Select(e => e.Position));
        Assert.Equal(head.Next, rest.Next);
        Assert.Equal(5, rest.SignalsBefore);
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task GivenAHeadPageReadBeforeTheRunnerListened_WhenAnAppendWasSignalledInBetween_ThenTheRunnerReadsAgainInsteadOfSleeping()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_head_signal");
        // The store's wake-up never fires here: only the runner's own check can bring the appended event in.
        var store = new StaleFirstHeadStore(db);
        var projection = new PositionLogProjection("head_signal");
        using var stop = new CancellationTokenSource();
        var run = new ProjectionRunner(store, db.DataSource, projection, ProjectionDatabase.FastOptions with { IdlePoll = TimeSpan.FromHours(1) })
            .RunAsync(stop.Token);
        try
        {
            Assert.Equal(1, (await db.WaitCaughtUpAsync(projection.Name)).EventsApplied);
            Assert.True(store.Reads >= 2, $"the runner read the log {store.Reads} time(s)");
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(ProjectionDatabase.Deadline);
        }
    }

    private static RecordedEvent Event(long position) => new(
        position, new Checkpoint(10, position), "cp-1", position, Guid.NewGuid(), "HeartbeatReceived", "{}"u8.ToArray(),
        new EventMetadata(Source: "test"), NodaTime.Instant.FromUnixTimeSeconds(0), new byte[32]);

    /// <summary>Each read waits until the test hands it the page it returns; the signal count is the test's to set.</summary>
    private sealed class ScriptedStore : IEventStore
    {
        private TaskCompletionSource<LogPage> next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public long AppendSignals { get; set; }

        public void Release(LogPage page)
        {
            var current = next;
            next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            current.SetResult(page);
        }

        public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            return next.Task;
        }

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>
    /// The real store, except that its signal count stands at 1, its wake-up never fires, and its first read appends an
    /// event and then answers with the empty head a read begun before that append's signal (count 0) would have seen.
    /// </summary>
    private sealed class StaleFirstHeadStore(ProjectionDatabase db) : IEventStore
    {
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public long AppendSignals => 1;

        public async Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                await db.AppendAsync(count: 1, streams: 1);
                await db.WaitReadableAsync();
                return new LogPage([], after, SignalsBefore: 0);
            }
            return await db.Store.ReadAllAsync(after, maxCount, cancellationToken) with { SignalsBefore = 1 };
        }

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => db.Store.AppendAsync(unit, cancellationToken);

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) => db.Store.AppendManyAsync(units, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) =>
            db.Store.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => db.Store.VerifyStreamAsync(streamId, cancellationToken);
    }
}
