namespace ChargeLedger.EventStore.Tests;

/// <summary>
/// Large group commits (the ingest's shape: hundreds of units over hundreds of streams) are prepared in parallel and
/// written with binary COPY: every guarantee of the small path must hold there too.
/// </summary>
public sealed class LargeGroupCommitTests() : StoreContext("es_large")
{
    private const int Units = 300;

    [Fact]
    public async Task GivenALargeGroupCommit_WhenAppending_ThenEachUnitGetsThePositionsAndVersionsStoredForItsEvents()
    {
        var units = Enumerable.Range(0, Units).Select(i => new AppendUnit(
            new StreamAppend($"cp-{i % 100}", ExpectedVersion.Any, [Event($$"""{"n":{{i}},"b":[1.50,100]}""")]),
            new StreamAppend($"tx-{i}", ExpectedVersion.NoStream, [Event(), Event()]))).ToList();

        var outcomes = await Store.AppendManyAsync(units, default);

        for (var i = 0; i < Units; i++)
        {
            var streams = Assert.IsType<AppendOutcome.Committed>(outcomes[i]).Streams;
            Assert.Equal(i / 100, streams[0].FirstVersion);
            var stored = await Store.ReadStreamAsync($"tx-{i}", 0, 10, default);
            Assert.Equal(
                (units[i].Streams[1].Events[0].EventId, units[i].Streams[1].Events[1].EventId, streams[1].FirstPosition, streams[1].LastPosition),
                (stored[0].EventId, stored[1].EventId, stored[0].Position, stored[1].Position));
        }
        Assert.Equal(3 * Units, await CountEventsAsync());
        Assert.Equal(Units / 100 - 1, await ScalarAsync("SELECT version FROM streams WHERE stream_id = 'cp-7'"));
        Assert.True((await Store.VerifyStreamAsync("cp-7", default)).Valid);
        Assert.True((await Store.VerifyStreamAsync("tx-299", default)).Valid);
    }

    [Fact]
    public async Task GivenALargeGroupCommitAlreadyStored_WhenRetried_ThenEveryUnitIsAReplayWithItsOriginalPositions()
    {
        var units = Enumerable.Range(0, Units).Select(i => Unit($"retry-{i}", ExpectedVersion.NoStream, Event())).ToList();
        var original = await Store.AppendManyAsync(units, default);
        await using var restarted = new PostgresEventStore(DataSource);

        var retried = await restarted.AppendManyAsync(units, default);

        for (var i = 0; i < Units; i++)
        {
            var first = Assert.Single(Assert.IsType<AppendOutcome.Committed>(original[i]).Streams);
            Assert.Equal(first with { WasReplay = true }, Assert.Single(Assert.IsType<AppendOutcome.Committed>(retried[i]).Streams));
        }
        Assert.Equal(Units, await CountEventsAsync());
    }

    [Fact]
    public async Task GivenStaleHeadsAndBadUnitsInALargeGroupCommit_WhenAppending_ThenOnlyThoseFailAndTheRestCommitOnTheRealHeads()
    {
        await Store.AppendManyAsync(Enumerable.Range(0, Units).Select(i => Unit($"s-{i}", ExpectedVersion.NoStream, Event())).ToList(), default);
        await using var other = new PostgresEventStore(DataSource);
        await other.AppendAsync(Unit("s-10", ExpectedVersion.Exact(0), Event()), default);
        var units = Enumerable.Range(0, Units).Select(i => i switch
        {
            10 => Unit("s-10", ExpectedVersion.Exact(0), Event()),
            20 => Unit("s-20", ExpectedVersion.Exact(0), Event("""{"broken": """)),
            _ => Unit($"s-{i}", ExpectedVersion.Any, Event()),
        }).ToList();

        var outcomes = await Store.AppendManyAsync(units, default);

        Assert.Equal(1, Assert.IsType<AppendOutcome.Conflict>(outcomes[10]).Error.Actual);
        Assert.IsType<InvalidEventException>(Assert.IsType<AppendOutcome.Rejected>(outcomes[20]).Error);
        Assert.Equal(Units - 2, outcomes.Count(o => o is AppendOutcome.Committed));
        Assert.Equal(2 * Units - 2 + 1, await CountEventsAsync());
        Assert.True((await Store.VerifyStreamAsync("s-10", default)).Valid);
        Assert.True((await Store.VerifyStreamAsync("s-11", default)).Valid);
    }

    [Fact]
    public async Task GivenAUnitRefusedByTheCachedHeadAndABadStreamIdInALargeGroupCommit_WhenAppending_ThenOnlyThoseFailAndTheRestCommit()
    {
        await Store.AppendManyAsync(Enumerable.Range(0, Units).Select(i => Unit($"r-{i}", ExpectedVersion.NoStream, Event())).ToList(), default);
        var units = Enumerable.Range(0, Units).Select(i => i switch
        {
            10 => Unit("r-10", ExpectedVersion.NoStream, Event()),
            20 => Unit("r-\0-20", ExpectedVersion.Any, Event()),
            _ => Unit($"r-{i}", ExpectedVersion.Exact(0), Event()),
        }).ToList();

        var outcomes = await Store.AppendManyAsync(units, default);

        Assert.Equal(0, Assert.IsType<AppendOutcome.Conflict>(outcomes[10]).Error.Actual);
        Assert.IsType<InvalidEventException>(Assert.IsType<AppendOutcome.Rejected>(outcomes[20]).Error);
        Assert.Equal(Units - 2, outcomes.Count(o => o is AppendOutcome.Committed));
        Assert.Equal(2 * Units - 2, await CountEventsAsync());
        Assert.True((await Store.VerifyStreamAsync("r-11", default)).Valid);
    }

    [Fact]
    public async Task GivenALargeGroupCommitOfInvalidUnitsOnly_WhenAppending_ThenEachIsRejectedAndNothingIsWritten()
    {
        var units = Enumerable.Range(0, Units).Select(i => Unit($"bad-{i}", ExpectedVersion.Any, Event("""{"broken": """))).ToList();

        var outcomes = await Store.AppendManyAsync(units, default);

        Assert.All(outcomes, o => Assert.IsType<InvalidEventException>(Assert.IsType<AppendOutcome.Rejected>(o).Error));
        Assert.Equal(0, await CountEventsAsync());
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM streams"));
    }

    [Fact]
    public async Task GivenTheSameUnitTwiceInALargeGroupCommit_WhenAppending_ThenTheSecondIsAReplayOfTheFirst()
    {
        var units = Enumerable.Range(0, Units).Select(i => Unit($"twice-{i}", ExpectedVersion.Any, Event())).ToList();
        units.Add(units[7]);

        var outcomes = await Store.AppendManyAsync(units, default);

        var first = Assert.Single(Assert.IsType<AppendOutcome.Committed>(outcomes[7]).Streams);
        Assert.Equal(first with { WasReplay = true }, Assert.Single(Assert.IsType<AppendOutcome.Committed>(outcomes[^1]).Streams));
        Assert.Equal(Units, await CountEventsAsync());
    }

    [Fact]
    public async Task GivenTheConnectionDropsBeforeALargeGroupCommitCommits_WhenAppending_ThenATypedErrorAndNothingWritten()
    {
        await using var store = new PostgresEventStore(DataSource)
        {
            BeforeCommit = async ct =>
            {
                await using var command = DataSource.CreateCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()");
                await command.ExecuteScalarAsync(ct);
            },
        };
        var units = Enumerable.Range(0, Units).Select(i => Unit($"dropped-{i}", ExpectedVersion.NoStream, Event())).ToList();

        await Assert.ThrowsAsync<EventStoreUnavailableException>(() => store.AppendManyAsync(units, default));

        Assert.Equal(0, await CountEventsAsync());
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM streams"));
        Assert.All(await Store.AppendManyAsync(units, default), o => Assert.IsType<AppendOutcome.Committed>(o));
        Assert.Equal(Units, await CountEventsAsync());
    }

    [Fact]
    public async Task GivenARowOfALargeGroupCommitAlteredByHand_WhenVerifying_ThenThatVersionIsReported()
    {
        await Store.AppendManyAsync(Enumerable.Range(0, Units).Select(i => Unit("big", ExpectedVersion.Any, Event($$"""{"i":{{i}}}"""))).ToList(), default);
        await ExecuteAsync("""UPDATE events SET data = '{"i": 1000}' WHERE stream_id = 'big' AND stream_version = 150""");

        var verification = await Store.VerifyStreamAsync("big", default);

        Assert.Equal((false, 150L), (verification.Valid, verification.FirstBrokenVersion));
    }
}
