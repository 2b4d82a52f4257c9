using ChargeLedger.EventStore;
using ChargeLedger.Projections.StreamHeads;
using ChargeLedger.Read.StreamHeads;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Projections.Tests;

public sealed class RebuildTests
{
    [Fact]
    public async Task GivenLiveStreamHeadsWhileEventsArrive_WhenRebuilt_ThenTheFreshCopyEqualsLiveIsSwappedInAndQueriesKeepAnswering()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_rebuild");
        await db.AppendAsync(count: 600, streams: 10);
        db.Start(new StreamHeadsProjection());
        await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);

        using var stop = new CancellationTokenSource();
        var appender = Task.Run(async () =>
        {
            for (var i = 0; i < 40 && !stop.IsCancellationRequested; i++)
            {
                await db.AppendAsync(count: 5, streams: 10);
            }
        });
        var query = new StreamHeadsQuery(db.DataSource);
        var answers = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (streams, events) = await query.TotalsAsync(CancellationToken.None);
                Assert.Equal(10, streams);
                Assert.True(events >= 600);
                Interlocked.Increment(ref answers);
            }
        });

        var report = await new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { BatchSize = 100 })
            .RebuildAsync(new StreamHeadsProjection(), CancellationToken.None);
        await appender;
        await stop.CancelAsync();
        await reader;

        Assert.True(report.Swapped);
        Assert.Equal(0, report.DifferenceCount);
        Assert.Empty(report.Differences);
        Assert.Equal(10, report.KeysCompared);
        Assert.Equal(report.Checkpoint, report.OldCheckpoint);
        Assert.True(report.EventsApplied >= 600);
        Assert.True(answers > 0);
        Assert.Equal(0L, await db.ScalarAsync<long>(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%' OR nspname LIKE 'retired\\_%'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM projection_rebuilds WHERE differences = 0"));

        // The live runner carries on from the swapped checkpoint without applying anything twice.
        await db.AppendAsync(count: 30, streams: 10);
        var total = await db.ScalarAsync<long>("SELECT count(*) FROM events");
        await Eventually.TrueAsync(async () => (await query.TotalsAsync(CancellationToken.None)).Events == total, ProjectionDatabase.Deadline, "live after swap");
        var status = await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        Assert.Equal(total, status.EventsApplied);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GivenAProjectionSayingWhetherItReadsMetadata_WhenRunLiveAndRebuilt_ThenOnlyARebuildOfOneThatReadsNoneGoesWithout(bool readsMetadata)
    {
        await using var db = await ProjectionDatabase.CreateAsync(readsMetadata ? "proj_meta_read" : "proj_meta_unread");
        await db.AppendAsync(count: 60, streams: 3);
        var projection = new PositionLogProjection { ReadsMetadata = readsMetadata };
        db.Start(projection);
        await db.WaitCaughtUpAsync(projection.Name);

        var report = await new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { BatchSize = 25 }).RebuildAsync(projection, CancellationToken.None);

        Assert.True(report.Swapped, report.Summary);
        Assert.Equal(0, report.DifferenceCount);
        var live = projection.MetadataSeen.Where(m => !m.Rebuild).ToList();
        var rebuilt = projection.MetadataSeen.Where(m => m.Rebuild).ToList();
        Assert.Equal(60, live.Count);
        Assert.Equal(60, rebuilt.Count);
        Assert.All(live, m => Assert.Equal("test", m.Source));
        Assert.All(rebuilt, m => Assert.Equal(readsMetadata ? "test" : null, m.Source));
    }

    [Fact]
    public async Task GivenALiveCopyThatNeverAppliedAnEvent_WhenRebuilt_ThenTheLogIsProjectedOnceAndTheFreshCopyServesFromTheHead()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_first");
        await db.AppendAsync(count: 120, streams: 6);
        await db.WaitReadableAsync();

        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new StreamHeadsProjection(), CancellationToken.None);

        Assert.True(report.Swapped, report.Summary);
        Assert.Equal(120, report.EventsApplied);
        Assert.Equal(Checkpoint.Start, report.OldCheckpoint); // compared where it stood, not filled a second time
        Assert.Equal(6, report.DifferenceCount);
        Assert.Equal(20, (await new StreamHeadsQuery(db.DataSource).GetAsync("cp-2", CancellationToken.None))!.EventCount);
        db.Start(new StreamHeadsProjection());
        Assert.Equal(120, (await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName)).EventsApplied);
    }

    [Fact]
    public async Task GivenALiveCopyWithWrongRows_WhenRebuilt_ThenTheReportListsTheAffectedKeysAndTheCorrectCopyServes()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_diff");
        await db.AppendAsync(count: 200, streams: 8);
        db.Start(new StreamHeadsProjection());
        await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        await db.StopAllAsync();
        await db.ScalarAsync<int?>("UPDATE rm_stream_heads.stream_heads SET event_count = event_count + 5 WHERE stream_id = 'cp-3'");
        await db.ScalarAsync<int?>("DELETE FROM rm_stream_heads.stream_heads WHERE stream_id = 'cp-4'");

        var dryRun = await new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { DryRun = true })
            .RebuildAsync(new StreamHeadsProjection(), CancellationToken.None);
        Assert.False(dryRun.Swapped);
        Assert.Equal(2, dryRun.DifferenceCount);
        var query = new StreamHeadsQuery(db.DataSource);
        Assert.Equal(30, (await query.GetAsync("cp-3", CancellationToken.None))!.EventCount);

        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new StreamHeadsProjection(), CancellationToken.None);
        Assert.True(report.Swapped);
        Assert.Equal(8, report.KeysCompared);
        Assert.Equal(["cp-3", "cp-4"], report.Differences.Select(d => d.Key));
        Assert.StartsWith("30 ", report.Differences[0].Old);
        Assert.StartsWith("25 ", report.Differences[0].New);
        Assert.Null(report.Differences[1].Old);
        Assert.StartsWith("25 ", report.Differences[1].New);
        Assert.Equal(25, (await query.GetAsync("cp-3", CancellationToken.None))!.EventCount);
        Assert.Equal(25, (await query.GetAsync("cp-4", CancellationToken.None))!.EventCount);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT differences FROM projection_rebuilds ORDER BY rebuild_id DESC LIMIT 1"));
    }

    [Fact]
    public async Task GivenANewProjectionVersion_WhenTheRunnerStarts_ThenItRebuildsIntoFreshTablesAndCarriesOn()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_version");
        await db.AppendAsync(count: 150, streams: 3);
        db.Start(new PositionLogProjection(version: 1));
        await db.WaitCaughtUpAsync("position_log");
        await db.StopAllAsync();

        await db.AppendAsync(count: 20, streams: 3);
        db.Start(new PositionLogProjection(version: 2));
        var status = await Eventually.ReturnsAsync(
            () => db.Status.ReadAsync("position_log", CancellationToken.None),
            s => s is { Version: 2, EventsBehind: 0, Rebuild: null }, ProjectionDatabase.Deadline, "version 2 live");
        Assert.Equal(170, status!.EventsApplied);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM projection_rebuilds WHERE from_version = 1 AND to_version = 2"));
        await RunnerTests.AssertAppliedExactlyOnceAsync(db, 170);
    }
}
