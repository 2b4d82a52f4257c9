using NodaTime;

namespace ChargeLedger.Domain.Sites;

public sealed record RegisterSite(string SiteId, string? Name, string? TimeZoneId, string? Address, string? RegisteredBy, Instant ReceivedAt);

public sealed record AssignSiteTariff(string SiteId, string? TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt);

public sealed record RegisterChargePointGroup(string GroupId, string? Name, string? RegisteredBy, Instant ReceivedAt);

public sealed record AssignGroupTariff(string GroupId, string? TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt);

public sealed record PlaceChargePointAtSite(string ChargePointId, string SiteId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt);

public sealed record AddChargePointToGroup(string ChargePointId, string GroupId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt);

public sealed record RemoveChargePointFromGroup(string ChargePointId, string GroupId, Instant ValidFrom, string? ChangedBy, Instant ReceivedAt);
