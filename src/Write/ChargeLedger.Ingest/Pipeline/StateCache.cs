namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Folded stream states, least recently used dropped beyond the capacity. Used by the single pipeline loop only,
/// so it is not thread-safe. Each entry holds the state decisions build on, which may be speculative (decided, not yet
/// committed), and the last confirmed one (loaded from the store, or committed). A dropped state (another writer, a
/// stale decision, a failed commit) keeps its confirmed one, so it is caught up from there by reading only the events
/// after it: with instances sharing a subscription that happens on most messages, and reading a long transaction again
/// from its start each time made the work grow with the square of its length.
/// </summary>
public sealed class StateCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> order = new();

    public int Count => entries.Count;

    /// <summary>The state to decide on, unless it was dropped.</summary>
    public bool TryGet(string streamId, out VersionedState state) => Found(Touch(streamId)?.Current, out state);

    /// <summary>The last state known to match the store up to its version: where a dropped state is caught up from.</summary>
    public bool TryGetConfirmed(string streamId, out VersionedState state) => Found(Touch(streamId)?.Confirmed, out state);

    /// <summary>A speculative state: decided on, not committed yet.</summary>
    public void Set(string streamId, VersionedState state) => Upsert(streamId).Current = state;

    /// <summary>A state loaded from the store or committed; it becomes the one decided on unless a later speculative one is held.</summary>
    public void Confirm(string streamId, VersionedState state)
    {
        var entry = Upsert(streamId);
        if (entry.Confirmed is { } confirmed && confirmed.Version > state.Version)
        {
            return;
        }

        entry.Confirmed = state;
        if (entry.Current is not { } current || current.Version <= state.Version)
        {
            entry.Current = state;
        }
    }

    /// <summary>Drops the state decided on; the confirmed one stays to catch up from.</summary>
    public void Drop(string streamId)
    {
        if (entries.TryGetValue(streamId, out var node))
        {
            node.Value.Current = null;
        }
    }

    private static bool Found(VersionedState? found, out VersionedState state)
    {
        state = found.GetValueOrDefault();
        return found.HasValue;
    }

    private Entry? Touch(string streamId)
    {
        if (!entries.TryGetValue(streamId, out var node))
        {
            return null;
        }

        order.Remove(node);
        order.AddFirst(node);
        return node.Value;
    }

    private Entry Upsert(string streamId)
    {
        if (Touch(streamId) is { } entry)
        {
            return entry;
        }

        entries[streamId] = order.AddFirst(entry = new Entry(streamId));
        while (entries.Count > capacity && order.Last is { } oldest)
        {
            order.RemoveLast();
            entries.Remove(oldest.Value.StreamId);
        }

        return entry;
    }

    private sealed class Entry(string streamId)
    {
        public string StreamId { get; } = streamId;

        public VersionedState? Current { get; set; }

        public VersionedState? Confirmed { get; set; }
    }
}
