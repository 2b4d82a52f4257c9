using System.Text;
using NodaTime;

namespace ChargeLedger.EventStore.Tests;

public sealed class AppendTests() : StoreContext("es_append")
{
    [Fact]
    public async Task GivenNoStream_WhenAppendingWithNoStream_ThenVersionsStartAtZeroAndEventsReadBackWithMetadata()
    {
        var deviceTime = Instant.FromUtc(2026, 3, 1, 12, 0, 0).PlusNanoseconds(123_000);
        var metadata = new EventMetadata(Guid.NewGuid(), Guid.NewGuid(), "mqtt", "ocpp/cp1/up", "cp1", "msg-1", deviceTime, deviceTime.PlusTicks(50), "[2,\"msg-1\",\"Heartbeat\",{\"note\":\"é<>&'\\u2028\"}]");
        var first = Event("""{"b": 2, "a": "x"}""", metadata: metadata);
        var second = Event();

        var results = await Store.AppendAsync(Unit("cp-1", ExpectedVersion.NoStream, first, second), default);

        var result = Assert.Single(results);
        Assert.Equal((0, 1, false), (result.FirstVersion, result.LastVersion, result.WasReplay));
        var events = await Store.ReadStreamAsync("cp-1", 0, 10, default);
        Assert.Equal([first.EventId, second.EventId], events.Select(e => e.EventId));
        Assert.Equal([0L, 1L], events.Select(e => e.StreamVersion));
        Assert.Equal(metadata, events[0].Metadata);
        Assert.Equal("""{"b": 2, "a": "x"}""", Encoding.UTF8.GetString(events[0].Data.Span)); // as written, not re-encoded
        Assert.Equal(result.FirstPosition, events[0].Position);
        Assert.Equal(32, events[0].Hash.Length);
        Assert.True((await Store.VerifyStreamAsync("cp-1", default)).Valid);
    }

    [Fact]
    public async Task GivenStreamAtVersion1_WhenAppendingExpectingVersion0_ThenWrongExpectedVersionNamesStreamExpectedAndActual()
    {
        await Store.AppendAsync(Unit("s-occ", ExpectedVersion.NoStream, Event(), Event()), default);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync(Unit("s-occ", ExpectedVersion.Exact(0), Event()), default));

        Assert.Equal(("s-occ", ExpectedVersion.Exact(0), 1L), (error.StreamId, error.Expected, error.Actual));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 's-occ'"));
    }

    [Fact]
    public async Task GivenExistingStream_WhenAppendingWithNoStream_ThenConflictReportsActualVersion()
    {
        await Store.AppendAsync(Unit("s-exists", ExpectedVersion.Any, Event()), default);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync(Unit("s-exists", ExpectedVersion.NoStream, Event()), default));

        Assert.Equal(0, error.Actual);
    }

    [Fact]
    public async Task GivenManyWritersExpectingTheSameVersion_WhenTheyAppendConcurrently_ThenExactlyOneWinsAndTheOthersGetTypedConflicts()
    {
        await Store.AppendAsync(Unit("s-race", ExpectedVersion.NoStream, Event()), default);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await Store.AppendAsync(Unit("s-race", ExpectedVersion.Exact(0), Event()), default);
                return "ok";
            }
            catch (WrongExpectedVersionException e) when (e.Actual == 1)
            {
                return "conflict";
            }
        }));

        Assert.Equal(1, attempts.Count(a => a == "ok"));
        Assert.Equal(9, attempts.Count(a => a == "conflict"));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 's-race'"));
    }

    [Fact]
    public async Task GivenAnAppendedUnit_WhenTheSameUnitIsRetriedWithItsOriginalExpectation_ThenItIsAReplayWithTheOriginalPositions()
    {
        var unit = Unit("s-idem", ExpectedVersion.NoStream, Event(), Event(), Event());
        var original = Assert.Single(await Store.AppendAsync(unit, default));
        await Store.AppendAsync(Unit("s-idem", ExpectedVersion.Any, Event()), default);

        var replay = Assert.Single(await Store.AppendAsync(unit, default));

        Assert.True(replay.WasReplay);
        Assert.Equal(original with { WasReplay = true }, replay);
        Assert.Equal(4, await CountEventsAsync());
    }

    [Fact]
    public async Task GivenSomeOfAUnitsEventIdsStored_WhenAppendingIt_ThenItIsRejectedAndNothingIsWritten()
    {
        var stored = Event();
        await Store.AppendAsync(Unit("s-partial", ExpectedVersion.NoStream, stored), default);

        await Assert.ThrowsAsync<InvalidEventException>(
            () => Store.AppendAsync(Unit("s-partial", ExpectedVersion.Any, stored, Event()), default));

        Assert.Equal(1, await CountEventsAsync());
    }

    [Fact]
    public async Task GivenAGroupCommitWithAConflictingAndAnInvalidUnit_WhenAppended_ThenOnlyThoseFailAndTheOthersCommit()
    {
        await Store.AppendAsync(Unit("g-taken", ExpectedVersion.NoStream, Event()), default);
        var units = new[]
        {
            Unit("g-1", ExpectedVersion.NoStream, Event(), Event()),
            Unit("g-taken", ExpectedVersion.NoStream, Event()),
            Unit("g-2", ExpectedVersion.NoStream, Event("{not json")),
            new AppendUnit(
                new StreamAppend("g-3", ExpectedVersion.NoStream, [Event()]),
                new StreamAppend("g-4", ExpectedVersion.NoStream, [Event()])),
            Unit("g-1", ExpectedVersion.Exact(1), Event()),
        };

        var outcomes = await Store.AppendManyAsync(units, default);

        Assert.IsType<AppendOutcome.Committed>(outcomes[0]);
        var conflict = Assert.IsType<AppendOutcome.Conflict>(outcomes[1]);
        Assert.Equal("g-taken", conflict.Error.StreamId);
        Assert.IsType<InvalidEventException>(Assert.IsType<AppendOutcome.Rejected>(outcomes[2]).Error);
        Assert.Equal(2, Assert.IsType<AppendOutcome.Committed>(outcomes[3]).Streams.Count);
        Assert.Equal(2, Assert.Single(Assert.IsType<AppendOutcome.Committed>(outcomes[4]).Streams).FirstVersion);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'g-2'"));
        Assert.Equal(6, await CountEventsAsync());
        Assert.Equal(1, await ScalarAsync("SELECT count(DISTINCT transaction_id) FROM events WHERE stream_id <> 'g-taken'"));
    }

    [Fact]
    public async Task GivenAUnitOverTwoStreams_WhenOneStreamFailsItsExpectation_ThenNeitherStreamIsWritten()
    {
        await Store.AppendAsync(Unit("m-b", ExpectedVersion.NoStream, Event()), default);

        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync(new AppendUnit(
            new StreamAppend("m-a", ExpectedVersion.NoStream, [Event()]),
            new StreamAppend("m-b", ExpectedVersion.NoStream, [Event()])), default));

        Assert.Equal("m-b", error.StreamId);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'm-a'"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM streams WHERE stream_id = 'm-a'"));
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":\"\\u0000\"}")]
    [InlineData("1e999999")]
    public async Task GivenInvalidJson_WhenAppending_ThenInvalidEventAndNothingWritten(string json)
    {
        await Assert.ThrowsAsync<InvalidEventException>(
            () => Store.AppendAsync(Unit("bad-json", ExpectedVersion.Any, Event(), Event(json)), default));

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'bad-json'"));
    }

    [Fact]
    public async Task GivenAnEventOverTheSizeLimit_WhenAppending_ThenEventTooLargeAndNothingWritten()
    {
        var big = $$"""{"blob":"{{new string('x', Store.Limits.MaxEventBytes)}}"}""";

        await Assert.ThrowsAsync<EventTooLargeException>(
            () => Store.AppendAsync(Unit("too-big", ExpectedVersion.Any, Event(), Event(big)), default));

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'too-big'"));
    }

    [Fact]
    public async Task GivenTheConnectionDropsBeforeCommit_WhenAppending_ThenATypedErrorAndNothingWritten()
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

        await Assert.ThrowsAsync<EventStoreUnavailableException>(
            () => store.AppendAsync(Unit("dropped", ExpectedVersion.NoStream, Event(), Event()), default));

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = 'dropped'"));
        Assert.Single(await Store.AppendAsync(Unit("dropped", ExpectedVersion.NoStream, Event()), default));
    }

    [Fact]
    public async Task GivenConcurrentCallers_WhenAllocatingTransactionIds_ThenIdsArePositiveAndUnique()
    {
        var allocator = new TransactionIdAllocator(DataSource);

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => allocator.NextTransactionIdsAsync(25, default)));

        var ids = batches.SelectMany(b => b).ToList();
        Assert.Equal(200, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 0));
    }
}
