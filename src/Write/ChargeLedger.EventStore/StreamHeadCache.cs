using System.Collections.Concurrent;

namespace ChargeLedger.EventStore;

/// <summary>
/// Stream heads (version, last hash) this store has seen committed. It is only a guess that lets an append skip
/// reading heads: a stale head always makes the insert hit the unique (stream_id, stream_version) constraint,
/// because committed versions only grow, and the append then falls back to reading the heads under the lock.
/// </summary>
internal sealed class StreamHeadCache(int capacity)
{
    private readonly ConcurrentDictionary<string, StreamHead> heads = new(StringComparer.Ordinal);

    public bool TryGet(string streamId, out StreamHead head) => heads.TryGetValue(streamId, out head);

    /// <summary>Records a commit's heads; an older head never replaces a newer one.</summary>
    public void Remember(IEnumerable<KeyValuePair<string, StreamHead>> committed)
    {
        // Counting takes every lock of the dictionary (hundreds once it has grown): once per commit, not per stream.
        if (heads.Count >= capacity)
        {
            // Rarely hit and cheap to refill: a miss costs one extra round trip, not correctness.
            heads.Clear();
        }
        foreach (var (streamId, head) in committed)
        {
            heads.AddOrUpdate(streamId, static (_, fresh) => fresh, static (_, old, fresh) => fresh.Version > old.Version ? fresh : old, head);
        }
    }

    public void Forget(string streamId) => heads.TryRemove(streamId, out _);
}

/// <summary>A stream's last version (-1 when it has no events) and the hash of that event.</summary>
internal readonly record struct StreamHead(long Version, byte[] Hash);
