namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Folded stream states, least recently used dropped beyond the capacity. Used by the single pipeline loop only,
/// so it is not thread-safe. A missing entry just means "load it from the store".
/// </summary>
public sealed class StateCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, VersionedState Value)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, VersionedState Value)> order = new();

    public int Count => entries.Count;

    public bool TryGet(string streamId, out VersionedState state)
    {
        if (entries.TryGetValue(streamId, out var node))
        {
            order.Remove(node);
            order.AddFirst(node);
            state = node.Value.Value;
            return true;
        }

        state = default;
        return false;
    }

    public void Set(string streamId, VersionedState state)
    {
        if (entries.TryGetValue(streamId, out var node))
        {
            node.Value = (streamId, state);
            order.Remove(node);
            order.AddFirst(node);
            return;
        }

        entries[streamId] = order.AddFirst((streamId, state));
        while (entries.Count > capacity && order.Last is { } oldest)
        {
            order.RemoveLast();
            entries.Remove(oldest.Value.Key);
        }
    }

    public void Remove(string streamId)
    {
        if (entries.Remove(streamId, out var node))
        {
            order.Remove(node);
        }
    }
}
