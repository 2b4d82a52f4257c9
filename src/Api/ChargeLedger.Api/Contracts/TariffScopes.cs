using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Api.Contracts;

public sealed record RegisterSiteRequest(string? SiteId, string? Name, string? TimeZoneId, string? Address);

public sealed record RegisterChargePointGroupRequest(string? GroupId, string? Name);

/// <summary>The charge point is in the site or group from <see cref="ValidFrom"/> on (a later change supersedes it from its own start).</summary>
public sealed record MembershipRequest(string? ChargePointId, string? ValidFrom);

public sealed record ScopeAssignmentView(string TariffId, Instant ValidFrom, string? AssignedBy, Instant AssignedAt);

/// <summary>A site with its tariff assignments in the order made; <see cref="Created"/> says whether this request recorded something.</summary>
public sealed record SiteView(string SiteId, string Name, string TimeZoneId, string? Address, string? RegisteredBy, Instant RegisteredAt,
    IReadOnlyList<ScopeAssignmentView> Assignments, bool? Created = null);

/// <summary>A group with its tariff assignments in the order made; <see cref="Created"/> says whether this request recorded something.</summary>
public sealed record ChargePointGroupView(string GroupId, string Name, string? RegisteredBy, Instant RegisteredAt,
    IReadOnlyList<ScopeAssignmentView> Assignments, bool? Created = null);

public sealed record SiteMembershipView(string SiteId, Instant ValidFrom, string? By, Instant RecordedAt);

/// <summary><see cref="Change"/> is <c>joined</c> or <c>left</c>: from <see cref="ValidFrom"/> on the charge point is in the group, or in none.</summary>
public sealed record GroupMembershipView(string GroupId, string Change, Instant ValidFrom, string? By, Instant RecordedAt);

/// <summary>A charge point's site and group timelines in the order made; <see cref="Created"/> says whether this request recorded something.</summary>
public sealed record MembershipsView(string ChargePointId, IReadOnlyList<SiteMembershipView> Sites, IReadOnlyList<GroupMembershipView> Groups, bool? Created = null);

/// <summary>
/// The assignment that prices a session starting at <see cref="At"/>; <see cref="Scope"/> null when there is none (the
/// ledger then uses the tariff <c>default</c>).
/// </summary>
public sealed record TariffResolutionView(string ChargePointId, Instant At, TariffScope? Scope, string? ScopeId, string? TariffId, Instant? AssignedFrom,
    string? SiteId, string? GroupId);
