using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>Events of the <c>chargepointgroup-{groupId}</c> stream.</summary>
public interface IChargePointGroupEvent : IDomainEvent
{
    string GroupId { get; }
}

/// <summary>A named group of charge points across sites (e.g. "motorway-hpc"). Registered once, never edited.</summary>
public sealed record ChargePointGroupRegistered(string GroupId, string Name, string? RegisteredBy, Instant ReceivedAt) : IChargePointGroupEvent;

/// <summary>
/// From <paramref name="ValidFrom"/> on, sessions at the group's charge points are priced with <paramref name="TariffId"/>
/// unless the charge point has its own assignment; it wins over the charge point's site. Never edited.
/// </summary>
public sealed record GroupTariffAssigned(string GroupId, string TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt) : IChargePointGroupEvent, ITariffAssignment;
