using ChargeLedger.Projections.StreamHeads;
using ChargeLedger.Read.StreamHeads;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Projections.Tests;

public sealed class LagTests
{
    [Fact]
    public async Task GivenAStoppedProjection_WhenEventsArrive_ThenStatusReportsEventsAndSecondsBehindUntilItCatchesUp()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_lag");
        await db.AppendAsync(count: 10, streams: 2);
        db.Start(new StreamHeadsProjection());
        var caughtUp = await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        Assert.Equal(0, caughtUp.SecondsBehind);
        await db.StopAllAsync();

        await db.AppendAsync(count: 25, streams: 5);
        var behind = await Eventually.ReturnsAsync(
            () => db.Status.ReadAsync(StreamHeadsTables.ProjectionName, CancellationToken.None),
            s => s!.SecondsBehind >= 0.3, ProjectionDatabase.Deadline, "seconds behind to grow");
        Assert.Equal(25, behind!.EventsBehind);
        Assert.Equal(ProjectionState.Running, behind.State);
        Assert.Equal(caughtUp.Checkpoint, behind.Checkpoint);

        db.Start(new StreamHeadsProjection());
        var after = await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        Assert.Equal(0, after.SecondsBehind);
        Assert.Equal(35, after.EventsApplied);
        Assert.Equal(await db.Store.ReadHeadAsync(CancellationToken.None), after.Checkpoint);
        var last = (await db.Store.ReadAllAsync(caughtUp.Checkpoint, 100, CancellationToken.None)).Events[^1];
        Assert.Equal(last.RecordedAt.ToUnixTimeTicks() / 10, after.LastRecordedAt!.Value.ToUnixTimeTicks() / 10);
    }

    [Fact]
    public async Task GivenAProjectionFurtherBehindThanTheExactCountLimit_WhenStatusIsRead_ThenEventsBehindIsThePositionDistanceToTheHead()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_lagfar");
        await db.AppendAsync(count: 3, streams: 1);
        db.Start(new StreamHeadsProjection());
        var caughtUp = await db.WaitCaughtUpAsync(StreamHeadsTables.ProjectionName);
        await db.StopAllAsync();
        var pending = (int)ProjectionStatusReader.ExactCountLimit + 123;

        await db.AppendAsync(count: pending, streams: 10);
        var status = await db.Status.ReadAsync(StreamHeadsTables.ProjectionName, CancellationToken.None);

        Assert.Equal(caughtUp.Checkpoint, status!.Checkpoint);
        Assert.Equal(pending, status.EventsBehind);
        Assert.True(status.SecondsBehind >= 0, $"seconds behind {status.SecondsBehind}");
    }

    [Fact]
    public async Task GivenARebuildInProgress_WhenStatusIsRead_ThenItSaysRebuildingWhileTheLiveCopyKeepsServing()
    {
        await using var db = await ProjectionDatabase.CreateAsync("proj_rbstate");
        await db.AppendAsync(count: 100, streams: 4);
        var projection = new PositionLogProjection();
        db.Start(projection);
        await db.WaitCaughtUpAsync(projection.Name);

        projection.RebuildGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rebuild = new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(projection, CancellationToken.None);
        var rebuilding = await Eventually.ReturnsAsync(
            () => db.Status.ReadAsync(projection.Name, CancellationToken.None),
            s => s!.State == ProjectionState.Rebuilding, ProjectionDatabase.Deadline, "rebuilding state");
        Assert.True(rebuilding!.Rebuild!.Active);
        Assert.Equal(100, rebuilding.Rebuild.EventsBehind);
        Assert.StartsWith("rebuild_position_log_", rebuilding.Rebuild.Schema);

        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM rm_position_log.applied"));

        // Appends during the rebuild reach the fresh copy, either before the swap or, when another transaction on the
        // server still holds the commit-safe horizon back at swap time, through the live runner right after it.
        await db.AppendAsync(count: 10, streams: 2);
        projection.RebuildGate.SetResult();
        var report = await rebuild.WaitAsync(ProjectionDatabase.Deadline);
        Assert.Equal(0, report.DifferenceCount);
        Assert.InRange(report.EventsApplied, 100, 110);
        var done = await db.WaitCaughtUpAsync(projection.Name);
        Assert.Null(done.Rebuild);
        Assert.Equal(ProjectionState.Running, done.State);
        await RunnerTests.AssertAppliedExactlyOnceAsync(db, 110);
    }
}
