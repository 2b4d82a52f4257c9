using System.Collections.Concurrent;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections;

/// <summary>
/// The runners of one host follow the log at about the same place and ask for the same pages: each full page is read
/// (and its metadata parsed) once and handed to every runner that asks for it. Only full pages are shared. A short page
/// (the head) goes only to the runner whose read produced it, because a runner that joined the read later may have
/// started listening for appends after the read's snapshot and must see anything committed since. Everything else is
/// passed through to the store.
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
                if (page.Events.Count >= maxCount)
                {
                    return page;
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The read belonged to another runner (its cancellation or failure): read again below.
            }
            // A short or failed read is not ours to use; drop it (its owner may not have yet) and join or start a
            // fresh one, so runners that arrive together still share the read that follows.
            pages.TryRemove(new KeyValuePair<(Checkpoint, int), Lazy<Task<LogPage>>>(key, entry));
        }
    }

    private async Task<LogPage> ReadAsOwnerAsync((Checkpoint After, int MaxCount) key, Lazy<Task<LogPage>> mine)
    {
        Trim();
        try
        {
            var page = await mine.Value.ConfigureAwait(false);
            if (page.Events.Count < key.MaxCount)
            {
                pages.TryRemove(new KeyValuePair<(Checkpoint, int), Lazy<Task<LogPage>>>(key, mine));
            }
            return page;
        }
        catch
        {
            pages.TryRemove(new KeyValuePair<(Checkpoint, int), Lazy<Task<LogPage>>>(key, mine));
            throw;
        }
    }

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

    public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => store.VerifyStreamAsync(streamId, cancellationToken);
}
