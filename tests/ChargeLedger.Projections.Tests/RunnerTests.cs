using ChargeLedger.EventStore;
using ChargeLedger.Projections.StreamHeads;
using ChargeLedger.Read.StreamHeads;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Projections.Tests;

public sealed class RunnerTests
{
    [Fact]
    public async Task GivenEventsBeforeStart_WhenRunnerStartsAndMoreArrive_ThenStreamHeadsCatchUpAndFollowLive()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_live");
        await db.AppendAsync(count: 300, streams: 7);
        db.Start(new StreamHeadsProjection());
        var query = new StreamHeadsQuery(db.DataSource);
        await Eventually.TrueAsync(async () => (await TotalsOrEmptyAsync(query)) == (7, 300), ProjectionDatabase.Deadline, "catch-up of 300 events");

        await db.AppendAsync(count: 21, streams: 3);
        await Eventually.TrueAsync(async () => (await TotalsOrEmptyAsync(query)) == (7, 321), ProjectionDatabase.Deadline, "live events");

        var head = await query.GetAsync("cp-0", CancellationToken.None);
        Assert.NotNull(head);
        var stored = await db.Store.ReadStreamAsync("cp-0", 0, 1000, CancellationToken.None);
        Assert.Equal(stored.Count, head.EventCount);
        Assert.Equal(stored[^1].StreamVersion, head.LastVersion);
        Assert.Equal(stored[^1].Position, head.LastPosition);
        Assert.Equal(stored[0].Position, head.FirstPosition);
        Assert.Equal(stored[^1].Type, head.LastEventType);
        Assert.Equal(stored[^1].RecordedAt.ToUnixTimeTicks() / 10, head.LastRecordedAt.ToUnixTimeTicks() / 10);
        var page = await query.ListAsync("cp-", afterStreamId: "cp-2", limit: 3, CancellationToken.None);
        Assert.Equal(["cp-3", "cp-4", "cp-5"], page.Select(h => h.StreamId));
    }

    [Fact]
    public async Task GivenCrashAfterReadModelWriteBeforeCommit_WhenRunnerRetriesAndRestarts_ThenNoEventIsAppliedTwiceOrLost()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_crash");
        await db.AppendAsync(count: 230, streams: 5);
        var projection = new PositionLogProjection();
        projection.FailAfterWrite(times: 3);
        db.Start(projection);
        await db.WaitCaughtUpAsync(projection.Name);
        Assert.True(projection.Applications > 230 / ProjectionDatabase.FastOptions.BatchSize + 3, "the failed batches were written and rolled back");

        // Restart: a new runner resumes from the committed checkpoint.
        await db.StopAllAsync();
        await db.AppendAsync(count: 40, streams: 5);
        projection.FailAfterWrite(times: 1);
        db.Start(projection);
        var status = await Eventually.ReturnsAsync(
            () => db.Status.ReadAsync(projection.Name, CancellationToken.None),
            s => s is { EventsBehind: 0, EventsApplied: 270, State: ProjectionState.Running }, ProjectionDatabase.Deadline, "restart to catch up");
        Assert.Null(status!.LastError);
        await AssertAppliedExactlyOnceAsync(db, 270);
    }

    [Fact]
    public async Task GivenTwoRunnersOfOneProjection_WhenEventsArrive_ThenOnlyOneHoldsTheLockAndNothingIsAppliedTwice()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_two");
        var projection = new PositionLogProjection();
        db.Start(projection);
        db.Start(projection);
        for (var i = 0; i < 10; i++)
        {
            await db.AppendAsync(count: 37, streams: 4);
        }
        await Eventually.TrueAsync(
            async () => (await db.Status.ReadAsync(projection.Name, CancellationToken.None)) is { EventsBehind: 0, EventsApplied: 370 },
            ProjectionDatabase.Deadline, "370 events applied");
        Assert.Equal(1L, await db.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = {0x504A5231}::oid AND objid = hashtext('position_log')::oid " +
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        await AssertAppliedExactlyOnceAsync(db, 370);
    }

    [Fact]
    public async Task GivenOneProjectionFailing_WhenHostRunsBoth_ThenTheOtherKeepsUpAndTheFailureIsReported()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_indep");
        var broken = new PositionLogProjection("broken") { AlwaysFail = true };
        using var stop = new CancellationTokenSource();
        var host = new ProjectionHost(db.Store, db.DataSource, [broken, new StreamHeadsProjection()], ProjectionDatabase.FastOptions).RunAsync(stop.Token);
        await db.AppendAsync(count: 120, streams: 6);

        await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        var failed = await Eventually.ReturnsAsync(
            () => db.Status.ReadAsync("broken", CancellationToken.None), s => s?.State == ProjectionState.Failed, ProjectionDatabase.Deadline, "failure reported");
        Assert.Contains("projection bug", failed!.LastError);
        Assert.Equal(120, failed.EventsBehind);
        Assert.Equal(Checkpoint.Start, failed.Checkpoint);

        broken.AlwaysFail = false;
        await db.WaitCaughtUpAsync("broken");
        await stop.CancelAsync();
        await host.WaitAsync(ProjectionDatabase.Deadline);
    }

    private static async Task<(long, long)> TotalsOrEmptyAsync(StreamHeadsQuery query)
    {
        try
        {
            return await query.TotalsAsync(CancellationToken.None);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return (0, 0); // the runner has not created the read model yet
        }
    }

    internal static async Task AssertAppliedExactlyOnceAsync(ProjectionDatabase db, long expected)
    {
        Assert.Equal(expected, await db.ScalarAsync<long>("SELECT count(*) FROM rm_position_log.applied"));
        Assert.Equal(expected, await db.ScalarAsync<long>("SELECT count(DISTINCT position) FROM rm_position_log.applied"));
        Assert.Equal(0L, await db.ScalarAsync<long>(
            "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM rm_position_log.applied a WHERE a.position = e.position)"));
    }
}
