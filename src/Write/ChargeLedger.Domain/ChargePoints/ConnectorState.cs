using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>
/// The connector state machine as reported by StatusNotification plus what transactions taught us:
/// the open transaction, the last known meter register and the device time of the last start/stop.
/// </summary>
public sealed record ConnectorState(
    string? Status,
    string? ErrorCode,
    string? Info,
    string? VendorId,
    string? VendorErrorCode,
    Instant? StatusTime,
    int? OpenTransactionId,
    long? LastRegisterWh,
    Instant? LastTransactionTime)
{
    public static readonly ConnectorState Unknown = new(null, null, null, null, null, null, null, null, null);
}
