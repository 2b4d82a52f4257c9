using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>Events of the <c>tariffassignment-{chargePointId}</c> stream.</summary>
public interface ITariffAssignmentEvent : IDomainEvent
{
    string ChargePointId { get; }
}

/// <summary>
/// From <paramref name="ValidFrom"/> on, sessions starting at <paramref name="ChargePointId"/> are priced with
/// <paramref name="TariffId"/>. Never edited: a later assignment supersedes it from its own validity start.
/// </summary>
public sealed record TariffAssigned(string ChargePointId, string TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt) : ITariffAssignmentEvent, ITariffAssignment;
