namespace ChargeLedger.EventStore.Tests;

public sealed class ReadByTypeTests() : StoreContext("es_bytype")
{
    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(["Wanted.A", "Wanted.B"], StringComparer.Ordinal);

    [Fact]
    public async Task GivenALogOfManyTypes_WhenReadByType_ThenOnlyThoseComeBackInCommitOrderAndAShortPageEndsAtTheHead()
    {
        var start = await Store.ReadHeadAsync(default);
        await Store.AppendAsync(Unit("bytype-1", ExpectedVersion.Any, Event(type: "Other"), Event(type: "Wanted.A"), Event(type: "Other")), default);
        await Store.AppendAsync(Unit("bytype-2", ExpectedVersion.Any, Event(type: "Wanted.B"), Event(type: "Other"), Event(type: "Other")), default);
        var head = await VisibleHeadAsync(start, events: 6);

        var page = await Store.ReadAllOfTypesAsync(start, Wanted, 10, default);
        var atHead = await Store.ReadAllOfTypesAsync(page.Next, Wanted, 10, default);

        Assert.Equal(["Wanted.A", "Wanted.B"], page.Events.Select(e => e.Type));
        Assert.Equal(head, page.Next);
        Assert.Empty(atHead.Events);
        Assert.Equal(head, atHead.Next);
    }

    [Fact]
    public async Task GivenMoreMatchesThanAPage_WhenReadByType_ThenAFullPageEndsAtItsLastEventAndTheNextPageGoesOn()
    {
        var start = await Store.ReadHeadAsync(default);
        await Store.AppendAsync(Unit("bytype-full", ExpectedVersion.Any, Event(type: "Wanted.A"), Event(type: "Other"), Event(type: "Wanted.B"), Event(type: "Wanted.A")), default);
        await VisibleHeadAsync(start, events: 4);

        var first = await Store.ReadAllOfTypesAsync(start, Wanted, 2, default);
        var second = await Store.ReadAllOfTypesAsync(first.Next, Wanted, 2, default);

        Assert.Equal(2, first.Events.Count);
        Assert.Equal(first.Events[^1].Checkpoint, first.Next);
        Assert.Equal([3L], second.Events.Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task GivenTheSameLog_WhenReadByTypeThroughTheGenericFallback_ThenThePagesAreTheServerSideOnes()
    {
        var start = await Store.ReadHeadAsync(default);
        await Store.AppendAsync(Unit("bytype-same", ExpectedVersion.Any, Event(type: "Wanted.B"), Event(type: "Other"), Event(type: "Other"), Event(type: "Wanted.A"), Event(type: "Other")), default);
        await VisibleHeadAsync(start, events: 5);
        IEventStore fallback = new WholeLogOnly(Store);

        foreach (var size in new[] { 1, 2, 3 })
        {
            var (server, generic) = (start, start);
            while (true)
            {
                var expected = await Store.ReadAllOfTypesAsync(server, Wanted, size, default);
                var actual = await fallback.ReadAllOfTypesAsync(generic, Wanted, size, default);
                Assert.Equal(expected.Events.Select(e => e.EventId), actual.Events.Select(e => e.EventId));
                Assert.Equal(expected.Next, actual.Next);
                if (expected.Events.Count < size)
                {
                    break;
                }
                (server, generic) = (expected.Next, actual.Next);
            }
        }
    }

    /// <summary>Waits until the appended events are all commit-safe (other databases' transactions can hold the horizon back).</summary>
    private async Task<Checkpoint> VisibleHeadAsync(Checkpoint start, int events)
    {
        var page = await ChargeLedger.TestSupport.Eventually.ReturnsAsync(
            () => Store.ReadAllAsync(start, 100, default), p => p.Events.Count >= events, TimeSpan.FromSeconds(30), "the appends visible");
        return page!.Next;
    }

    /// <summary>The real store seen through the interface's members only: reads by type take the generic fallback.</summary>
    private sealed class WholeLogOnly(PostgresEventStore inner) : IEventStore
    {
        public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) => inner.ReadAllAsync(after, maxCount, cancellationToken);

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => inner.AppendAsync(unit, cancellationToken);

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) => inner.AppendManyAsync(units, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) =>
            inner.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForAppendAsync(timeout, cancellationToken);

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => inner.VerifyStreamAsync(streamId, cancellationToken);
    }
}
