using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.IdTags;

/// <summary>Back-office commands on idTags; each returns no events when the state already says so.</summary>
public static class IdTagDecider
{
    private static readonly IReadOnlyList<object> None = [];

    public static IReadOnlyList<object> Decide(RegisterIdTag command, IdTagState state) =>
        state.Registered && state.BillingAccount == command.BillingAccount && state.ExpiryDate == command.ExpiryDate && state.ParentIdTag == command.ParentIdTag
            ? None
            : [new IdTagRegistered(command.IdTag, command.BillingAccount, command.ExpiryDate, command.ParentIdTag, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(BlockIdTag command, IdTagState state) =>
        state.Blocked ? None : [new IdTagBlocked(command.IdTag, command.Reason, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(UnblockIdTag command, IdTagState state) =>
        state.Blocked ? [new IdTagUnblocked(command.IdTag, command.ReceivedAt)] : None;

    public static IReadOnlyList<object> Decide(ExpireIdTag command, IdTagState state) =>
        state.ExpiryDate == command.ExpiryDate ? None : [new IdTagExpired(command.IdTag, command.ExpiryDate, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(LinkIdTagToAccount command, IdTagState state) =>
        state.BillingAccount == command.BillingAccount ? None : [new IdTagLinkedToAccount(command.IdTag, command.BillingAccount, command.ReceivedAt)];

    /// <summary>
    /// The idTagInfo for a tag at a point in time (device time for StartTransaction, receive time for Authorize).
    /// Unknown → Invalid, then Blocked, then Expired (expiry at or before <paramref name="at"/>), else Accepted.
    /// </summary>
    public static IdTagInfo Authorize(IdTagState state, Instant at)
    {
        if (!state.Registered)
        {
            return new IdTagInfo(AuthorizationStatus.Invalid, null, null);
        }

        var status = state.Blocked ? AuthorizationStatus.Blocked
            : state.ExpiryDate is { } expiry && expiry <= at ? AuthorizationStatus.Expired
            : AuthorizationStatus.Accepted;
        return new IdTagInfo(status, state.ExpiryDate, state.ParentIdTag);
    }
}
