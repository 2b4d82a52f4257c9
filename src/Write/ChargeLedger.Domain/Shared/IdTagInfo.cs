using NodaTime;

namespace ChargeLedger.Domain.Shared;

/// <summary>OCPP 1.6 AuthorizationStatus; member names are the exact OCPP strings and the JSON values.</summary>
public enum AuthorizationStatus
{
    Accepted,
    Blocked,
    Expired,
    Invalid,
    ConcurrentTx,
}

/// <summary>The idTagInfo the Central System answers (Authorize, StartTransaction, StopTransaction).</summary>
public sealed record IdTagInfo(AuthorizationStatus Status, Instant? ExpiryDate, string? ParentIdTag);
