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
}
