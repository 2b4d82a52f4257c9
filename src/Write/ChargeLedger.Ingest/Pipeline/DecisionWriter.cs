using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Read–decide–append for one stream outside the message pipeline (remote command dispatch, sweeps): the stream is
/// folded fresh, the decision appended with the exact version, and decided again on a conflict. Event ids derive from
/// <c>identity</c>, so repeating the same decision after a crash stores nothing new.
/// </summary>
public sealed class DecisionWriter(IEventStore store, SnapshotStore? snapshots = null)
{
    private const int MaxAttempts = 10;
    private readonly StreamLoader loader = new(store, snapshots);

    /// <param name="beforeAppend">Runs once a decision has events, before they are appended (an effect that must precede the record).</param>
    /// <returns>The number of events appended (0 when the decision yielded none or they were already stored).</returns>
    public async Task<int> DecideAsync<TState>(string streamId, Func<TState, IReadOnlyList<object>> decide, MessageIdentity identity, EventMetadata metadata, CancellationToken cancellationToken, Func<IReadOnlyList<object>, CancellationToken, Task>? beforeAppend = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await loader.LoadAsync(streamId, null, cancellationToken).ConfigureAwait(false);
            var events = decide((TState)state.State);
            if (events.Count == 0)
            {
                return 0;
            }

            if (beforeAppend is not null)
            {
                await beforeAppend(events, cancellationToken).ConfigureAwait(false);
            }

            var data = events.Select((e, i) =>
            {
                var (type, json) = EventSerializer.Serialize(e);
                return new EventData(identity.EventId(i), type, json, metadata);
            }).ToList();
            var expected = state.Version < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(state.Version);
            try
            {
                var results = await store.AppendAsync(new AppendUnit(new StreamAppend(streamId, expected, data)), cancellationToken).ConfigureAwait(false);
                return results.All(r => r.WasReplay) ? 0 : data.Count;
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                // Someone appended meanwhile: decide again on the fresh state.
            }
        }
    }
}
