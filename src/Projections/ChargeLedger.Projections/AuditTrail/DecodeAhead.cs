using ChargeLedger.EventStore;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// Decodes a batch in chunks on the thread pool, all started at once, and hands the results out in commit order: the
/// consumer (the COPY) waits only for the chunk it is at, so decoding runs on the free cores while rows are written.
/// </summary>
internal sealed class DecodeAhead<T>
{
    private const int ChunkSize = 256;

    private readonly T[] results;
    private readonly Task[] chunks;
    private int next;

    public DecodeAhead(IReadOnlyList<RecordedEvent> batch, Func<RecordedEvent, T> decode, CancellationToken cancellationToken)
    {
        results = new T[batch.Count];
        chunks = new Task[(batch.Count + ChunkSize - 1) / ChunkSize];
        for (var c = 0; c < chunks.Length; c++)
        {
            var from = c * ChunkSize;
            var to = Math.Min(from + ChunkSize, batch.Count);
            chunks[c] = Task.Run(() =>
            {
                for (var i = from; i < to; i++)
                {
                    results[i] = decode(batch[i]);
                }
            }, cancellationToken);
        }
    }

    /// <summary>The next event's result, in batch order.</summary>
    public async ValueTask<T> NextAsync()
    {
        var chunk = chunks[next / ChunkSize];
        if (!chunk.IsCompletedSuccessfully)
        {
            await chunk.ConfigureAwait(false);
        }
        return results[next++];
    }
}

/// <summary>Type inference for <see cref="DecodeAhead{T}"/>.</summary>
internal static class DecodeAhead
{
    public static DecodeAhead<T> Start<T>(IReadOnlyList<RecordedEvent> batch, Func<RecordedEvent, T> decode, CancellationToken cancellationToken) =>
        new(batch, decode, cancellationToken);
}
