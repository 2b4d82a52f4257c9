namespace ChargeLedger.EventStore.Tests;

public sealed class GroupCommitAppenderTests() : StoreContext("es_group")
{
    [Fact]
    public async Task GivenManyConcurrentCallers_WhenAppendingThroughTheAppender_ThenEachGetsItsOwnOutcomeInFewerTransactions()
    {
        await using var appender = new GroupCommitAppender(Store, maxBatchSize: 64);
        await Store.AppendAsync(Unit("taken", ExpectedVersion.NoStream, Event()), default);

        var calls = Enumerable.Range(0, 32).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var result = Assert.Single(await appender.AppendAsync(Unit($"caller-{c}", i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(i - 1), Event()), default));
                Assert.Equal(i, result.FirstVersion);
            }
            await Assert.ThrowsAsync<WrongExpectedVersionException>(() => appender.AppendAsync(Unit("taken", ExpectedVersion.NoStream, Event()), default));
        })).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(641, await CountEventsAsync());
        Assert.True(await ScalarAsync("SELECT count(DISTINCT transaction_id) FROM events") < 641);
    }
}
