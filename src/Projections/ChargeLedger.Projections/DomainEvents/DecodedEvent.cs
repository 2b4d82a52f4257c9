using System.Collections.Concurrent;
using System.Collections.Frozen;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Projections.DomainEvents;

/// <summary>A stored event with its domain event, for projections built from the domain's event types.</summary>
internal readonly record struct DecodedEvent(RecordedEvent Recorded, object Event)
{
    /// <summary>The batch's domain events in commit order; events of unknown types are skipped (readers ignore what they do not know).</summary>
    public static IEnumerable<DecodedEvent> Decode(IReadOnlyList<RecordedEvent> batch)
    {
        foreach (var recorded in batch)
        {
            if (EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } domainEvent)
            {
                yield return new DecodedEvent(recorded, domainEvent);
            }
        }
    }

    /// <summary>
    /// Only the events whose stored type is in <paramref name="types"/>, in commit order: the JSON of every other event
    /// is never parsed, which is most of a projection's CPU during a rebuild.
    /// </summary>
    public static IEnumerable<DecodedEvent> Decode(IReadOnlyList<RecordedEvent> batch, FrozenSet<string> types)
    {
        foreach (var recorded in batch)
        {
            if (types.Contains(recorded.Type) && EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } domainEvent)
            {
                yield return new DecodedEvent(recorded, domainEvent);
            }
        }
    }

    /// <summary>
    /// As <see cref="Decode(IReadOnlyList{RecordedEvent}, FrozenSet{string})"/>, decoded on every core: for a projection
    /// that needs most of a batch decoded before it can write anything, while the server has nothing to do.
    /// </summary>
    public static List<DecodedEvent> DecodeOnAllCores(IReadOnlyList<RecordedEvent> batch, FrozenSet<string> types)
    {
        var decoded = new object?[batch.Count];
        Parallel.ForEach(Partitioner.Create(0, batch.Count, 512), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var recorded = batch[i];
                decoded[i] = types.Contains(recorded.Type) ? EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) : null;
            }
        });
        var events = new List<DecodedEvent>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (decoded[i] is { } domainEvent)
            {
                events.Add(new DecodedEvent(batch[i], domainEvent));
            }
        }
        return events;
    }

    /// <summary>The stored type names of every registered event type matching <paramref name="wanted"/> (e.g. an aggregate's marker interface).</summary>
    public static FrozenSet<string> TypeNamesWhere(Func<Type, bool> wanted) =>
        EventTypes.Names.Where(name => wanted(EventTypes.InfoFor(name)!.Type)).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The stored type names of <paramref name="eventTypes"/>, for <see cref="Decode(IReadOnlyList{RecordedEvent}, FrozenSet{string})"/>.</summary>
    public static FrozenSet<string> TypeNames(params Type[] eventTypes) =>
        eventTypes.Select(t => EventTypes.NameOf(t) ?? throw new ArgumentException($"{t.Name} is not a registered event type.", nameof(eventTypes)))
            .ToFrozenSet(StringComparer.Ordinal);
}
