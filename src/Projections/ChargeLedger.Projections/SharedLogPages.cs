using System.Collections.Concurrent;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections;

/// <summary>
/// The runners of one host follow the log at about the same place and ask for the same pages: each page is read (and
/// its metadata parsed) once and handed to every runner that asks for it. A page with events is right for every runner
/// at its checkpoint, however late: a short one (the head when it was read) carries <see cref="LogPage.SignalsBefore"/>,
/// and a runner that began waiting after a later signal reads on instead of sleeping. An empty head goes only to the
/// runners that asked while it was read: kept, it would hold a runner at its checkpoint, hiding events that became
/// visible later (without a signal, too, when an older transaction rolled back). A runner whose checkpoint lies inside a
/// head page another one read gets the rest of that page, so runners that read the head at different moments fall back
/// into step. Everything else is passed through to the store.
/// </summary>
internal sealed class SharedLogPages(IEventStore store, int capacity = 16) : IEventStore
{
    private readonly ConcurrentDictionary<(Checkpoint After, int MaxCount), Lazy<Task<LogPage>>> pages = new();

    public async Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken)
    {
        var key = (after, maxCount);
        while (true)
        {
            if (!pages.ContainsKey(key) && RestOfHeadAfter(after, maxCount) is { } rest)
            {
                return rest;
            }
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
                return page;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The read belonged to another runner (its cancellation or failure): drop it and join or start a fresh one.
                Drop(key, entry);
            }
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

    /// <summary>The events after <paramref name="after"/> of a head page read from an earlier checkpoint that holds it.</summary>
    private LogPage? RestOfHeadAfter(Checkpoint after, int maxCount)
    {
        foreach (var (key, entry) in pages)
        {
            if (key.MaxCount != maxCount || key.After.CompareTo(after) >= 0 || !entry.IsValueCreated || !entry.Value.IsCompletedSuccessfully)
            {
                continue;
            }
            var page = entry.Value.Result;
            if (page.Events.Count >= maxCount || page.Next.CompareTo(after) <= 0)
            {
                continue;
            }
            var index = IndexOf(page.Events, after);
            if (index >= 0)
            {
                return page with { Events = [.. page.Events.Skip(index + 1)] };
            }
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<RecordedEvent> events, Checkpoint checkpoint)
    {
        int low = 0, high = events.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var order = events[middle].Checkpoint.CompareTo(checkpoint);
            if (order == 0)
            {
                return middle;
            }
            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return -1;
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

    public Task<LogPage> ReadAllOfTypesAsync(Checkpoint after, IReadOnlySet<string> types, int maxCount, CancellationToken cancellationToken) =>
        store.ReadAllOfTypesAsync(after, types, maxCount, cancellationToken);

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
