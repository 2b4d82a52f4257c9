using ChargeLedger.Ingest.Pipeline;

namespace ChargeLedger.Ingest.Tests;

/// <summary>
/// The pipeline's cache keeps, beside the state it decides on, the last one known to match the store, so a state
/// dropped after another writer's append is caught up from there instead of read again from the stream's start.
/// </summary>
public sealed class StateCacheTests
{
    private static VersionedState At(long version) => new(version, $"state {version}");

    [Fact]
    public void GivenAConfirmedStateAndASpeculativeOneOnIt_WhenTheStreamIsDropped_ThenOnlyTheConfirmedOneRemains()
    {
        var cache = new StateCache(10);
        cache.Confirm("s", At(3));
        cache.Set("s", At(5));

        cache.Drop("s");

        Assert.False(cache.TryGet("s", out _));
        Assert.True(cache.TryGetConfirmed("s", out var confirmed));
        Assert.Equal(At(3), confirmed);
    }

    [Fact]
    public void GivenASpeculativeStateAhead_WhenAnEarlierStateIsConfirmed_ThenDecisionsStillBuildOnTheSpeculativeOne()
    {
        var cache = new StateCache(10);
        cache.Set("s", At(7));

        cache.Confirm("s", At(4));

        Assert.True(cache.TryGet("s", out var current));
        Assert.Equal(At(7), current);
        Assert.True(cache.TryGetConfirmed("s", out var confirmed));
        Assert.Equal(At(4), confirmed);
    }

    [Fact]
    public void GivenAConfirmedState_WhenAnOlderOneIsConfirmed_ThenTheNewerStays()
    {
        var cache = new StateCache(10);
        cache.Confirm("s", At(6));

        cache.Confirm("s", At(2));

        Assert.True(cache.TryGetConfirmed("s", out var confirmed));
        Assert.Equal(At(6), confirmed);
    }

    [Fact]
    public void GivenAFullCache_WhenAnotherStreamIsAdded_ThenTheLeastRecentlyUsedIsEvictedWithItsConfirmedState()
    {
        var cache = new StateCache(2);
        cache.Confirm("a", At(1));
        cache.Confirm("b", At(1));
        Assert.True(cache.TryGet("a", out _)); // "b" is now the least recently used

        cache.Set("c", At(0));

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGetConfirmed("b", out _));
        Assert.True(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out _));
    }
}
