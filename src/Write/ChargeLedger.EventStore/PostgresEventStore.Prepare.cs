namespace ChargeLedger.EventStore;

public sealed partial class PostgresEventStore
{
    // Below this many units, handing preparation to other threads costs more than it saves.
    private const int ParallelThreshold = 64;

    // Up to this many stream ids or event ids in a unit are checked for repeats pairwise instead of with a set.
    private const int SmallSet = 8;

    /// <summary>
    /// Validates, canonicalizes and serializes units before they are written; a unit that fails is rejected alone.
    /// Units are prepared in order and on demand, so a large commit can stream one unit's rows to the server while
    /// the next is prepared, or all at once (on every core when asked).
    /// </summary>
    private sealed class Preparation(PostgresEventStore store, IReadOnlyList<AppendUnit> units, AppendOutcome[] outcomes)
    {
        private readonly PreparedUnit?[] prepared = new PreparedUnit?[units.Count];
        private int next;

        public IReadOnlyList<AppendUnit> Units => units;

        /// <summary>Prepares every unit not prepared yet and returns the ones that were not rejected, in order.</summary>
        public List<PreparedUnit> All(bool parallel)
        {
            if (parallel && units.Count - next >= ParallelThreshold)
            {
                try
                {
                    Parallel.For(next, units.Count, At);
                }
                catch (AggregateException e) when (e.InnerExceptions.Count == 1)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
                }
                next = units.Count;
            }
            while (next < units.Count)
            {
                At(next++);
            }
            return prepared.OfType<PreparedUnit>().ToList();
        }

        /// <summary>Prepares units in order while <paramref name="pending"/> (a round trip) is under way.</summary>
        public void While(Task pending)
        {
            while (next < units.Count && !pending.IsCompleted)
            {
                At(next++);
            }
        }

        /// <summary>The unit at <paramref name="index"/>, prepared now if it was not yet; null when it was rejected.</summary>
        public PreparedUnit? Get(int index)
        {
            while (next <= index)
            {
                At(next++);
            }
            return prepared[index];
        }

        private void At(int index)
        {
            try
            {
                prepared[index] = store.Prepare(index, units[index]);
            }
            catch (EventStoreException e)
            {
                outcomes[index] = new AppendOutcome.Rejected(e);
            }
        }
    }

    private PreparedUnit Prepare(int index, AppendUnit unit)
    {
        if (unit.Streams.Count == 0)
        {
            throw new InvalidEventException("An append unit needs at least one stream.");
        }
        var total = 0;
        foreach (var append in unit.Streams)
        {
            total += append.Events.Count;
        }
        if (total > limits.MaxEventsPerUnit)
        {
            throw new InvalidEventException($"An append unit carries {total} events; the limit is {limits.MaxEventsPerUnit}.");
        }
        var streams = new PreparedStream[unit.Streams.Count];
        // Units mostly name one or two streams and append one or two events to each: a set pays off only for more.
        var seen = streams.Length > SmallSet ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var s = 0; s < streams.Length; s++)
        {
            var append = unit.Streams[s];
            CheckName(append.StreamId, "stream id");
            if (!(seen?.Add(append.StreamId) ?? IsFirst(unit.Streams, s, static a => a.StreamId)))
            {
                throw new InvalidEventException($"Stream '{append.StreamId}' appears twice in one unit; put its events in one StreamAppend.");
            }
            if (append.Events.Count == 0)
            {
                throw new InvalidEventException($"Stream '{append.StreamId}': no events to append.");
            }
            var events = new PreparedEvent[append.Events.Count];
            var ids = events.Length > SmallSet ? new HashSet<Guid>() : null;
            for (var i = 0; i < events.Length; i++)
            {
                var e = append.Events[i];
                if (e.EventId == Guid.Empty || !(ids?.Add(e.EventId) ?? IsFirst(append.Events, i, static d => d.EventId)))
                {
                    throw new InvalidEventException($"Stream '{append.StreamId}': event id {e.EventId} is empty or repeated in the unit.");
                }
                events[i] = PrepareEvent(append.StreamId, e);
            }
            streams[s] = new PreparedStream(append.StreamId, append.Expected, events);
        }
        return new PreparedUnit(index, streams);
    }

    /// <summary>Whether no item before <paramref name="index"/> has the same key: for the few items a set would cost more for.</summary>
    private static bool IsFirst<T, TKey>(IReadOnlyList<T> items, int index, Func<T, TKey> key)
        where TKey : IEquatable<TKey>
    {
        var wanted = key(items[index]);
        for (var i = 0; i < index; i++)
        {
            if (key(items[i]).Equals(wanted))
            {
                return false;
            }
        }
        return true;
    }

    private PreparedEvent PrepareEvent(string streamId, EventData e)
    {
        CheckName(e.Type, "event type");
        var metadata = MetadataJson.Serialize(e.Metadata);
        var size = e.Data.Length + metadata.Length;
        if (size > limits.MaxEventBytes)
        {
            throw new EventTooLargeException(streamId, e.EventId, size, limits.MaxEventBytes);
        }
        byte[] canonicalData;
        try
        {
            canonicalData = CanonicalJson.Canonicalize(e.Data, "data");
        }
        catch (InvalidEventException invalid)
        {
            throw new InvalidEventException($"Event {e.EventId} {invalid.Message}");
        }
        return new PreparedEvent(e.EventId, e.Type, e.Data, canonicalData, metadata);
    }

    private void CheckName(string value, string what)
    {
        if (!IsValidName(value))
        {
            throw new InvalidEventException($"The {what} must have 1 to {limits.MaxNameLength} characters and no U+0000.");
        }
    }

    private bool IsValidName(string value) =>
        !string.IsNullOrEmpty(value) && value.Length <= limits.MaxNameLength && !value.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// An event ready to write. <see cref="Data"/> is the caller's UTF-8 JSON, stored as given (json);
    /// <see cref="Metadata"/> is both what is stored and its canonical form (see <see cref="MetadataJson"/>).
    /// </summary>
    private sealed record PreparedEvent(Guid EventId, string Type, ReadOnlyMemory<byte> Data, byte[] CanonicalData, byte[] Metadata);

    private sealed record PreparedStream(string StreamId, ExpectedVersion Expected, PreparedEvent[] Events);

    private sealed record PreparedUnit(int Index, PreparedStream[] Streams);
}
