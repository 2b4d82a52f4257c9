using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>Events of the <c>site-{siteId}</c> stream.</summary>
public interface ISiteEvent : IDomainEvent
{
    string SiteId { get; }
}

/// <summary>A site: charge points at one address sharing one tzdb time zone. Registered once, never edited.</summary>
public sealed record SiteRegistered(string SiteId, string Name, string TimeZoneId, string? Address, string? RegisteredBy, Instant ReceivedAt) : ISiteEvent;

/// <summary>
/// From <paramref name="ValidFrom"/> on, sessions at the site's charge points are priced with <paramref name="TariffId"/>
/// unless a group or charge point assignment is more specific. Never edited: a later one supersedes it from its start.
/// </summary>
public sealed record SiteTariffAssigned(string SiteId, string TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt) : ISiteEvent, ITariffAssignment;
