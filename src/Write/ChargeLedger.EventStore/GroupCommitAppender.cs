using System.Threading.Channels;

namespace ChargeLedger.EventStore;

/// <summary>
/// Turns many concurrent <see cref="AppendAsync"/> calls into few group commits: callers queue their unit, a small
/// number of committers each take whatever has queued (up to <c>maxBatchSize</c>) and append it with one
/// <see cref="IEventStore.AppendManyAsync"/>. While a commit is in flight new calls accumulate, so batches grow
/// with load and a lone caller is never delayed. Each caller gets its own unit's outcome.
/// </summary>
public sealed class GroupCommitAppender : IAsyncDisposable
{
    private readonly IEventStore store;
    private readonly int maxBatchSize;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] committers;

    public GroupCommitAppender(IEventStore store, int maxBatchSize = 500, int concurrentCommits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentCommits, 1);
        this.store = store;
        this.maxBatchSize = maxBatchSize;
        committers = Enumerable.Range(0, concurrentCommits).Select(_ => Task.Run(CommitLoopAsync)).ToArray();
    }

    /// <summary>Appends one unit as part of a group commit; throws like <see cref="IEventStore.AppendAsync"/>.</summary>
    public async Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken)
    {
        var pending = new Pending(unit, cancellationToken);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitAppender));
        }
        var outcome = await pending.Completion.Task.ConfigureAwait(false);
        return outcome switch
        {
            AppendOutcome.Committed committed => committed.Streams,
            AppendOutcome.Conflict conflict => throw conflict.Error,
            AppendOutcome.Rejected rejected => throw rejected.Error,
            _ => throw new InvalidOperationException("unknown outcome"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(committers).ConfigureAwait(false);
    }

    private async Task CommitLoopAsync()
    {
        var batch = new List<Pending>(maxBatchSize);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < maxBatchSize && queue.Reader.TryRead(out var pending))
            {
                // A caller that gave up before its unit was taken is not appended.
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Completion.TrySetCanceled(pending.CancellationToken);
                }
                else
                {
                    batch.Add(pending);
                }
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                // Once taken, a unit is committed regardless of its caller: one caller must not cancel the group.
                var outcomes = await store.AppendManyAsync(batch.Select(p => p.Unit).ToList(), CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private sealed record Pending(AppendUnit Unit, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
