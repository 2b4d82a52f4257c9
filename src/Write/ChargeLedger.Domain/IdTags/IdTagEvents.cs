using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.IdTags;

/// <summary>The tag is known (again) with these details; a later registration replaces the details.</summary>
public sealed record IdTagRegistered(string IdTag, string? BillingAccount, Instant? ExpiryDate, string? ParentIdTag, Instant ReceivedAt) : IIdTagEvent;

public sealed record IdTagBlocked(string IdTag, string? Reason, Instant ReceivedAt) : IIdTagEvent;

public sealed record IdTagUnblocked(string IdTag, Instant ReceivedAt) : IIdTagEvent;

/// <summary>The tag's validity ends at <see cref="ExpiryDate"/> (authorizations at or after it answer Expired).</summary>
public sealed record IdTagExpired(string IdTag, Instant ExpiryDate, Instant ReceivedAt) : IIdTagEvent;

public sealed record IdTagLinkedToAccount(string IdTag, string BillingAccount, Instant ReceivedAt) : IIdTagEvent;
