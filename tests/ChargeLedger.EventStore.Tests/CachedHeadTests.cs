namespace ChargeLedger.EventStore.Tests;

/// <summary>
/// A store remembers the stream heads it committed, to append in one round trip. Another writer (another store
/// instance, another process) makes those heads stale: appends must still get the right versions, conflicts and replays.
/// </summary>
public sealed class CachedHeadTests() : StoreContext("es_cached")
{
    [Fact]
    public async Task GivenAnotherWriterAppendedSinceOurLastAppend_WhenAppendingWithAny_ThenTheEventGoesAfterTheirsAndTheChainVerifies()
    {
        await using var other = new PostgresEventStore(DataSource);
        await Store.AppendAsync(Unit("stale-any", ExpectedVersion.NoStream, Event(), Event()), default);
        await other.AppendAsync(Unit("stale-any", ExpectedVersion.Exact(1), Event(), Event()), default);

        var result = Assert.Single(await Store.AppendAsync(Unit("stale-any", ExpectedVersion.Any, Event()), default));

        Assert.Equal((4L, 4L, false), (result.FirstVersion, result.LastVersion, result.WasReplay));
        Assert.Equal(new ChainVerification("stale-any", 5, true, null, null), await Store.VerifyStreamAsync("stale-any", default));
    }

    [Fact]
    public async Task GivenAnotherWriterAppendedSinceOurLastAppend_WhenExpectingTheRealVersion_ThenTheAppendSucceeds()
    {
        await using var other = new PostgresEventStore(DataSource);
        await Store.AppendAsync(Unit("stale-exact", ExpectedVersion.NoStream, Event()), default);
        await other.AppendAsync(Unit("stale-exact", ExpectedVersion.Exact(0), Event()), default);

        var result = Assert.Single(await Store.AppendAsync(Unit("stale-exact", ExpectedVersion.Exact(1), Event()), default));

        Assert.Equal(2, result.FirstVersion);
        Assert.True((await Store.VerifyStreamAsync("stale-exact", default)).Valid);
    }

    [Fact]
    public async Task GivenAnotherWriterAppendedSinceOurLastAppend_WhenExpectingOurLastVersion_ThenAConflictNamesTheRealVersion()
    {
        await using var other = new PostgresEventStore(DataSource);
        await Store.AppendAsync(Unit("stale-conflict", ExpectedVersion.NoStream, Event()), default);
        await other.AppendAsync(Unit("stale-conflict", ExpectedVersion.Exact(0), Event(), Event()), default);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync(Unit("stale-conflict", ExpectedVersion.Exact(0), Event()), default));

        Assert.Equal(2, error.Actual);
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'stale-conflict'"));
    }

    [Fact]
    public async Task GivenAStreamCreatedByAnotherWriter_WhenAppendingWithNoStream_ThenAConflictAndNothingWritten()
    {
        await using var other = new PostgresEventStore(DataSource);
        await other.AppendAsync(Unit("theirs", ExpectedVersion.NoStream, Event()), default);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync(Unit("theirs", ExpectedVersion.NoStream, Event()), default));

        Assert.Equal(0, error.Actual);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'theirs'"));
    }

    [Fact]
    public async Task GivenAUnitCommittedByAnotherStore_WhenRetriedWithAny_ThenItIsAReplayWithTheOriginalPositions()
    {
        await using var other = new PostgresEventStore(DataSource);
        var unit = Unit("retried", ExpectedVersion.Any, Event(), Event());
        await Store.AppendAsync(Unit("retried", ExpectedVersion.NoStream, Event()), default);
        var original = Assert.Single(await other.AppendAsync(unit, default));

        var retry = Assert.Single(await Store.AppendAsync(unit, default));

        Assert.Equal(original with { WasReplay = true }, retry);
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'retried'"));
    }

    [Fact]
    public async Task GivenOneStaleUnitInAGroupCommit_WhenAppendingMany_ThenEveryUnitGetsItsOwnCorrectOutcome()
    {
        await using var other = new PostgresEventStore(DataSource);
        await Store.AppendAsync(Unit("group-stale", ExpectedVersion.NoStream, Event()), default);
        await Store.AppendAsync(Unit("group-fresh", ExpectedVersion.NoStream, Event()), default);
        await other.AppendAsync(Unit("group-stale", ExpectedVersion.Exact(0), Event()), default);

        var outcomes = await Store.AppendManyAsync(
            [Unit("group-fresh", ExpectedVersion.Exact(0), Event()), Unit("group-stale", ExpectedVersion.Exact(0), Event()), Unit("group-new", ExpectedVersion.NoStream, Event())],
            default);

        Assert.Equal(1, Assert.Single(Assert.IsType<AppendOutcome.Committed>(outcomes[0]).Streams).FirstVersion);
        Assert.Equal(1, Assert.IsType<AppendOutcome.Conflict>(outcomes[1]).Error.Actual);
        Assert.Equal(0, Assert.Single(Assert.IsType<AppendOutcome.Committed>(outcomes[2]).Streams).FirstVersion);
        Assert.True((await Store.VerifyStreamAsync("group-fresh", default)).Valid);
    }
}
