using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Folds streams from the store: from scratch, or forward from a known state (catch-up, or a snapshot from
/// <paramref name="snapshots"/> when one is given and holds the stream).
/// </summary>
public sealed class StreamLoader(IEventStore store, SnapshotStore? snapshots = null)
{
    private const int PageSize = 2000;

    public async Task<VersionedState> LoadAsync(string streamId, VersionedState? from, CancellationToken cancellationToken)
    {
        if (from is null && snapshots is not null && SnapshotStore.Covers(streamId))
        {
            var found = await snapshots.LoadAsync([streamId], cancellationToken).ConfigureAwait(false);
            from = found.TryGetValue(streamId, out var snapshot) ? snapshot : null;
        }

        var (version, state) = from is { } known ? (known.Version, known.State) : (-1L, StreamStates.Empty(streamId));
        while (true)
        {
            var page = await store.ReadStreamAsync(streamId, version + 1, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page)
            {
                if (EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } @event)
                {
                    state = StreamStates.Evolve(state, @event);
                }

                version = recorded.StreamVersion;
            }

            if (page.Count < PageSize)
            {
                return new VersionedState(version, state);
            }
        }
    }
}
