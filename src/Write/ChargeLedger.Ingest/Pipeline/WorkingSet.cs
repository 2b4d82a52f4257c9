namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// The states one group's decisions see: the batch's snapshot of committed states, evolved by every event decided so far,
/// so messages of the same charge point in one batch are decided in order.
/// </summary>
internal sealed class WorkingSet(IReadOnlyDictionary<string, VersionedState> snapshot)
{
    private readonly Dictionary<string, VersionedState> changed = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, VersionedState> Changed => changed;

    public T Get<T>(string streamId) => (T)Lookup(streamId).State;

    /// <summary>The committed version a stream had before this group (-1: none).</summary>
    public long CommittedVersion(string streamId) => snapshot.TryGetValue(streamId, out var state) ? state.Version : -1;

    public void Apply(string streamId, object @event)
    {
        var current = Lookup(streamId);
        changed[streamId] = new VersionedState(current.Version + 1, StreamStates.Evolve(current.State, @event));
    }

    // A stream absent from the snapshot is new: a freshly allocated transaction id cannot have events yet.
    private VersionedState Lookup(string streamId) =>
        changed.TryGetValue(streamId, out var state) ? state
        : snapshot.TryGetValue(streamId, out state) ? state
        : new VersionedState(-1, StreamStates.Empty(streamId));
}
