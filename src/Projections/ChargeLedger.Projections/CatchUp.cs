using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>How a catch-up run ended; <paramref name="HeadSignals"/> is the <see cref="LogPage.SignalsBefore"/> of the page that found the head.</summary>
internal readonly record struct CatchUpResult(Checkpoint Checkpoint, long Applied, bool PositionMoved, long HeadSignals = 0);

/// <summary>
/// Feeds one copy of a projection from the log until a page comes back short (the head). While a batch is
/// applied the next page is already being read, so reading and writing overlap during a catch-up.
/// </summary>
internal sealed class CatchUp(IEventStore store, NpgsqlDataSource dataSource, IProjection projection, ProjectionTarget target, int batchSize)
{
    public async Task<CatchUpResult> RunAsync(Checkpoint from, CancellationToken cancellationToken)
    {
        var checkpoint = from;
        long applied = 0;
        long signals = 0;
        Task<LogPage>? pending = ReadAsync(checkpoint, cancellationToken);
        while (pending is not null)
        {
            var page = await pending.ConfigureAwait(false);
            pending = null;
            signals = page.SignalsBefore;
            if (page.Events.Count == 0)
            {
                break;
            }
            if (page.Events.Count >= batchSize)
            {
                pending = ReadAsync(page.Next, cancellationToken);
            }
            bool done;
            try
            {
                done = await BatchApplier.ApplyAsync(dataSource, projection, target, checkpoint, page.Events, page.Next, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Forget(pending);
                throw;
            }
            if (!done)
            {
                Forget(pending);
                return new CatchUpResult(checkpoint, applied, PositionMoved: true);
            }
            checkpoint = page.Next;
            applied += page.Events.Count;
        }
        return new CatchUpResult(checkpoint, applied, PositionMoved: false, signals);
    }

    private Task<LogPage> ReadAsync(Checkpoint after, CancellationToken cancellationToken) =>
        target == ProjectionTarget.Rebuild && !projection.ReadsMetadata
            ? store.ReadAllWithoutMetadataAsync(after, batchSize, cancellationToken)
            : store.ReadAllAsync(after, batchSize, cancellationToken);

    /// <summary>A read-ahead that is no longer wanted still has to be observed, or its failure would go unobserved.</summary>
    private static void Forget(Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
