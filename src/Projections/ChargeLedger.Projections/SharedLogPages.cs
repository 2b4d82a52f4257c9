using System.Collections.Concurrent;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections;

/// <summary>
/// The runners of one host follow the log at about the same place and ask for the same pages: each page is read (and
/// its metadata parsed) once and handed to every runner that asks for it. A full page never changes. A short one (the
/// head) is handed out only while the store has received no append signal since its read began: until then anything
/// committed after it is still to be signalled, and wakes the runner that took it, whose wait began before it asked.
/// An empty head goes only to the runners that asked while it was read: kept, it could hide events that became
/// visible without a signal (an older transaction rolled back), where a runner's idle poll must read afresh.
/// Everything else is passed through to the store.
/// </summary>
internal sealed class SharedLogPages(IEventStore store, int capacity = 16) : IEventStore
{
    private readonly ConcurrentDictionary<(Checkpoint After, int MaxCount), Lazy<Task<LogPage>>> pages = new();

    public async Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken)
    {
        var key = (after, maxCount);
        while (true)
        {
            var mine = new Lazy<Task<LogPage>>(() => store.ReadAllAsync(after, maxCount, cancellationToken));
            var entry = pages.GetOrAdd(key, mine);
            if (ReferenceEquals(entry, mine))
            {
                return await ReadAsOwnerAsync(key, mine).ConfigureAwait(false);
            }
            try
            {
                var page = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (page.Events.Count == 0)
                {
                    Drop(key, entry);
                }
                if (page.Events.Count >= maxCount || page.SignalsBefore >= store.AppendSignals)
                {
                    return page;
                }
                // A head from before the latest signal: what that signal announced may be missing from it.
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The read belonged to another runner (its cancellation or failure): join or start a fresh one.
            }
            Drop(key, entry);
        }
    }

    private async Task<LogPage> ReadAsOwnerAsync((Checkpoint After, int MaxCount) key, Lazy<Task<LogPage>> mine)
    {
        Trim();
        try
        {
            var page = await mine.Value.ConfigureAwait(false);
            if (page.Events.Count == 0)
            {
                Drop(key, mine);
            }
            return page;
        }
        catch
        {
            Drop(key, mine);
            throw;
        }
    }

    private void Drop((Checkpoint After, int MaxCount) key, Lazy<Task<LogPage>> entry) =>
        pages.TryRemove(new KeyValuePair<(Checkpoint, int), Lazy<Task<LogPage>>>(key, entry));

    // Runners only move forward, so the pages furthest behind are the ones nobody will ask for again.
    private void Trim()
    {
        while (pages.Count > capacity)
        {
            pages.TryRemove(pages.Keys.MinBy(k => k.After), out _);
        }
    }

    // A rebuild's read: one runner's, never shared.
    public Task<LogPage> ReadAllWithoutMetadataAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) =>
        store.ReadAllWithoutMetadataAsync(after, maxCount, cancellationToken);

    public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => store.AppendAsync(unit, cancellationToken);

    public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) =>
        store.AppendManyAsync(units, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) =>
        store.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);

    public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => store.WaitForAppendAsync(timeout, cancellationToken);

    public long AppendSignals => store.AppendSignals;

    public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => store.VerifyStreamAsync(streamId, cancellationToken);
}
