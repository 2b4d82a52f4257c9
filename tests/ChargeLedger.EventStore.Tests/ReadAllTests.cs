using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChargeLedger.EventStore.Tests;

public sealed class ReadAllTests() : StoreContext("es_readall")
{
    [Fact]
    public async Task GivenEightWritersCommittingOutOfOrder_WhenAReaderFollowsTheLog_ThenItSeesExactlyTheCommittedEventsOnce()
    {
        var committed = new ConcurrentBag<Guid>();
        var aborted = new ConcurrentBag<Guid>();
        await using var slowStore = new PostgresEventStore(DataSource)
        {
            // Random delays inside the transaction make later positions commit before earlier ones;
            // some transactions roll back after drawing their positions.
            BeforeCommit = async ct =>
            {
                await Task.Delay(Random.Shared.Next(0, 25), ct);
                if (Random.Shared.Next(10) == 0)
                {
                    throw new AbortedOnPurposeException();
                }
            },
        };
        using var writersDone = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            var seen = new List<RecordedEvent>();
            var checkpoint = Checkpoint.Start;
            while (true)
            {
                // An empty page only means "nothing safe yet" (any older transaction on the server holds the
                // horizon), so the reader stops once the writers are done and it has caught up, then checks
                // one last page for anything extra.
                var caughtUp = writersDone.IsCancellationRequested && seen.Count >= committed.Count;
                var page = await Store.ReadAllAsync(checkpoint, 97, default);
                seen.AddRange(page.Events);
                Assert.True(page.Events.Count == 0 || page.Next.CompareTo(checkpoint) > 0);
                checkpoint = page.Next;
                if (caughtUp)
                {
                    return seen;
                }
                if (page.Events.Count == 0)
                {
                    await Store.WaitForAppendAsync(TimeSpan.FromMilliseconds(50), default);
                }
            }
        });

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var events = Enumerable.Range(0, 1 + (i % 4)).Select(_ => Event()).ToArray();
                try
                {
                    await slowStore.AppendAsync(Unit($"w{w}-{i % 3}", ExpectedVersion.Any, events), default);
                    events.ToList().ForEach(e => committed.Add(e.EventId));
                }
                catch (AbortedOnPurposeException)
                {
                    events.ToList().ForEach(e => aborted.Add(e.EventId));
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        var seen = await reader.WaitAsync(TimeSpan.FromSeconds(60));

        var ids = seen.Select(e => e.EventId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(committed.Order(), ids.Order());
        Assert.NotEmpty(aborted);
        Assert.Equal(seen.Select(e => e.Checkpoint).Order(), seen.Select(e => e.Checkpoint));
        Assert.Equal(seen[^1].Checkpoint, await Store.ReadHeadAsync(default));
        Assert.Equal(0, await Store.CountEventsAfterAsync(seen[^1].Checkpoint, default));
        Assert.Equal(seen.Count, await Store.CountEventsAfterAsync(Checkpoint.Start, default));
    }

    [Fact]
    public async Task GivenAnOpenTransactionWithAnOlderId_WhenANewerOneCommits_ThenTheReaderWaitsForTheOlderOne()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blockedStore = new PostgresEventStore(DataSource)
        {
            BeforeCommit = async _ => { entered.TrySetResult(); await release.Task; },
        };
        var head = await Store.ReadHeadAsync(default);
        var early = Event();
        var late = Event();

        var slow = blockedStore.AppendAsync(Unit("late-committer", ExpectedVersion.Any, early), default);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Store.AppendAsync(Unit("fast-committer", ExpectedVersion.Any, late), default);
        var whileOpen = await Store.ReadAllAsync(head, 100, default);
        release.SetResult();
        await slow;
        // Other databases' transactions on the same server also hold the horizon back for a moment.
        var afterCommit = await ChargeLedger.TestSupport.Eventually.ReturnsAsync(
            () => Store.ReadAllAsync(head, 100, default), page => page.Events.Count >= 2, TimeSpan.FromSeconds(30), "both commits visible");

        Assert.Empty(whileOpen.Events);
        Assert.Equal([early.EventId, late.EventId], afterCommit.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task GivenAWaitingReader_WhenAnAppendCommits_ThenItIsWokenByTheNotification()
    {
        // The first wait returns once the listener is connected (it wakes waiters on connect).
        await Store.WaitForAppendAsync(TimeSpan.FromSeconds(30), default);
        var stopwatch = Stopwatch.StartNew();
        var wait = Store.WaitForAppendAsync(TimeSpan.FromSeconds(60), default);
        Assert.False(wait.IsCompleted);

        await using var writer = new PostgresEventStore(DataSource);
        await writer.AppendAsync(Unit("wake", ExpectedVersion.Any, Event()), default);
        await wait;

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"woken after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task GivenAWaitingReader_WhenAnAppendIsSignalled_ThenTheSignalCountGrowsAndALaterReadCarriesIt()
    {
        await Store.WaitForAppendAsync(TimeSpan.FromSeconds(30), default);
        var wait = Store.WaitForAppendAsync(TimeSpan.FromSeconds(60), default);
        var listening = Store.AppendSignals;
        var before = await Store.ReadAllAsync(await Store.ReadHeadAsync(default), 10, default);

        await using var writer = new PostgresEventStore(DataSource);
        await writer.AppendAsync(Unit("signals", ExpectedVersion.Any, Event()), default);
        await wait;
        var after = await Store.ReadAllAsync(before.Next, 10, default);

        Assert.True(before.SignalsBefore >= listening, $"read at {before.SignalsBefore}, listening at {listening}");
        Assert.True(Store.AppendSignals > listening, $"count {Store.AppendSignals}, listening at {listening}");
        Assert.True(after.SignalsBefore > listening, $"read after the append at {after.SignalsBefore}, listening at {listening}");
    }

    [Fact]
    public async Task GivenEventsWithMetadata_WhenTheLogIsReadWithoutIt_ThenTheSameEventsAndPagesComeBackWithUnreadMetadata()
    {
        var head = await Store.ReadHeadAsync(default);
        var metadata = new EventMetadata(Topic: "ocpp/cp/CP-M", ChargePointId: "CP-M", Raw: "[2,\"m\",\"Heartbeat\",{}]");
        await Store.AppendAsync(Unit("without-metadata", ExpectedVersion.Any, Event(metadata: metadata), Event("""{"value":2}""", metadata: metadata), Event()), default);
        // Another database's transaction on the server can hold the horizon back for a moment: compare once all is visible.
        await ChargeLedger.TestSupport.Eventually.ReturnsAsync(
            () => Store.ReadAllAsync(head, 100, default), page => page.Events.Count >= 3, TimeSpan.FromSeconds(30), "the appends visible");
        var pages = new List<(LogPage Full, LogPage Bare)>();

        var checkpoint = head;
        while (true)
        {
            var full = await Store.ReadAllAsync(checkpoint, 2, default);
            var bare = await Store.ReadAllWithoutMetadataAsync(checkpoint, 2, default);
            pages.Add((full, bare));
            if (full.Events.Count == 0)
            {
                break;
            }
            checkpoint = full.Next;
        }

        Assert.Equal(3, pages.Sum(p => p.Full.Events.Count(e => e.StreamId == "without-metadata")));
        Assert.Contains(pages, p => p.Full.Events.Any(e => e.Metadata == metadata));
        foreach (var (full, bare) in pages)
        {
            Assert.Equal(full.Next, bare.Next);
            Assert.Equal(full.Events.Select(e => (e.Checkpoint, e.EventId, e.Type, e.StreamVersion, e.RecordedAt)), bare.Events.Select(e => (e.Checkpoint, e.EventId, e.Type, e.StreamVersion, e.RecordedAt)));
            Assert.Equal(full.Events.Select(e => Convert.ToHexString(e.Data.Span)), bare.Events.Select(e => Convert.ToHexString(e.Data.Span)));
            Assert.Equal(full.Events.Select(e => Convert.ToHexString(e.Hash.Span)), bare.Events.Select(e => Convert.ToHexString(e.Hash.Span)));
            Assert.All(bare.Events, e => Assert.Same(EventMetadata.Unread, e.Metadata));
        }
    }

    private sealed class AbortedOnPurposeException : Exception;
}
