using NodaTime;

namespace ChargeLedger.Domain.IdTags;

/// <summary>State of one <c>idtag-{TAG}</c> stream. <see cref="Unknown"/> when the stream is empty.</summary>
public sealed record IdTagState(bool Registered, bool Blocked, string? BillingAccount, Instant? ExpiryDate, string? ParentIdTag)
{
    public static readonly IdTagState Unknown = new(false, false, null, null, null);

    public static IdTagState Evolve(IdTagState state, object @event) => @event switch
    {
        IdTagRegistered e => state with { Registered = true, BillingAccount = e.BillingAccount, ExpiryDate = e.ExpiryDate, ParentIdTag = e.ParentIdTag },
        IdTagBlocked => state with { Blocked = true },
        IdTagUnblocked => state with { Blocked = false },
        IdTagExpired e => state with { ExpiryDate = e.ExpiryDate },
        IdTagLinkedToAccount e => state with { BillingAccount = e.BillingAccount },
        _ => state,
    };

    public static IdTagState Fold(IEnumerable<object> events) => events.Aggregate(Unknown, Evolve);
}
