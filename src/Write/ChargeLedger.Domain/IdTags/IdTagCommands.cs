using NodaTime;

namespace ChargeLedger.Domain.IdTags;

public sealed record RegisterIdTag(string IdTag, string? BillingAccount, Instant? ExpiryDate, string? ParentIdTag, Instant ReceivedAt);

public sealed record BlockIdTag(string IdTag, string? Reason, Instant ReceivedAt);

public sealed record UnblockIdTag(string IdTag, Instant ReceivedAt);

public sealed record ExpireIdTag(string IdTag, Instant ExpiryDate, Instant ReceivedAt);

public sealed record LinkIdTagToAccount(string IdTag, string BillingAccount, Instant ReceivedAt);
