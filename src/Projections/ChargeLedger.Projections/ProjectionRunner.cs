using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Runs one projection: catch up from its stored checkpoint, then follow the log on the store's wake-up signal.
/// Only the process holding the projection's advisory lock applies batches; others stand by. Failures are
/// recorded in the checkpoint row and retried with a growing pause, never skipping the failing batch.
/// </summary>
public sealed class ProjectionRunner(IEventStore store, NpgsqlDataSource dataSource, IProjection projection, ProjectionRunnerOptions? options = null)
{
    private readonly ProjectionRunnerOptions options = options ?? new ProjectionRunnerOptions();

    public IProjection Projection { get; } = projection;

    /// <summary>Runs until cancelled; returns normally on cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ProjectionNames.Validate(Projection.Name);
        var pause = options.RetryMin;
        while (!cancellationToken.IsCancellationRequested)
        {
            var leading = false;
            try
            {
                await using var leadership = await ProjectionLock.TryAcquireAsync(dataSource, ProjectionLock.Runner, Projection.Name, cancellationToken).ConfigureAwait(false);
                if (leadership is null)
                {
                    await Task.Delay(options.StandbyPoll, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                leading = true;
                await FollowAsync(() => pause = options.RetryMin, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                options.Log?.Invoke($"projection {Projection.Name} failed, retrying in {pause.TotalSeconds:0.#} s: {e.Message}");
                if (leading)
                {
                    // A standby's trouble is its own; only the active runner speaks for the projection.
                    await RecordFailureAsync(e).ConfigureAwait(false);
                }
                try
                {
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.RetryMax.Ticks));
            }
        }
    }

    private async Task FollowAsync(Action healthy, CancellationToken cancellationToken)
    {
        var live = await ProjectionSchemas.EnsureLiveAsync(dataSource, Projection, cancellationToken).ConfigureAwait(false);
        if (live.Version > Projection.Version || (live.Version < Projection.Version && !options.RebuildOnVersionChange))
        {
            // Never write with code that does not match the tables; rebuilding a newer copy back would make two deployments fight.
            throw new InvalidOperationException($"Projection {Projection.Name} is stored at version {live.Version}; this process runs version {Projection.Version}.");
        }
        if (live.Version < Projection.Version)
        {
            options.Log?.Invoke($"projection {Projection.Name}: stored version {live.Version}, code version {Projection.Version}; rebuilding");
            var report = await new ProjectionRebuilder(store, dataSource).RebuildAsync(Projection, cancellationToken).ConfigureAwait(false);
            options.Log?.Invoke(report.Summary);
            live = await ProjectionSchemas.EnsureLiveAsync(dataSource, Projection, cancellationToken).ConfigureAwait(false);
        }
        var catchUp = new CatchUp(store, dataSource, Projection, ProjectionTarget.Live, options.BatchSize);
        var checkpoint = live.Checkpoint;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Listen before reading: an append that lands between an empty read and the wait still wakes us.
            using var wakeCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var wake = store.WaitForAppendAsync(options.IdlePoll, wakeCancel.Token);
            var listening = store.AppendSignals;
            CatchUpResult result;
            try
            {
                result = await catchUp.RunAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await wakeCancel.CancelAsync().ConfigureAwait(false);
                await IgnoreAsync(wake).ConfigureAwait(false);
                throw;
            }
            healthy();
            if (result.PositionMoved)
            {
                // Another writer (a rebuild's swap) moved the checkpoint: continue from where it left it.
                await wakeCancel.CancelAsync().ConfigureAwait(false);
                await IgnoreAsync(wake).ConfigureAwait(false);
                var row = await ProjectionSchemas.EnsureLiveAsync(dataSource, Projection, cancellationToken).ConfigureAwait(false);
                if (row.Version != Projection.Version)
                {
                    throw new InvalidOperationException($"Projection {Projection.Name} was replaced by version {row.Version} while this process runs version {Projection.Version}.");
                }
                checkpoint = row.Checkpoint;
                continue;
            }
            checkpoint = result.Checkpoint;
            if (result.HeadSignals < listening)
            {
                // The head came from a read another runner began before this one listened, and an append was signalled
                // in between: it may be missing from the page, and its signal will not wake this wait. Read again.
                await wakeCancel.CancelAsync().ConfigureAwait(false);
                await IgnoreAsync(wake).ConfigureAwait(false);
                continue;
            }
            await wake.ConfigureAwait(false);
        }
    }

    private static async Task IgnoreAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The wait was abandoned on purpose.
        }
    }

    private async Task RecordFailureAsync(Exception error)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ProjectionCheckpoints.MarkFailedAsync(dataSource, Projection.Name, ProjectionTarget.Live, $"{error.GetType().Name}: {error.Message}", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The database is what failed; the runner's own log line carries the error until it returns.
        }
    }
}
