using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>OCPP 1.6 RegistrationStatus (exact strings).</summary>
public enum RegistrationStatus
{
    Accepted,
    Pending,
    Rejected,
}

/// <summary>OCPP 1.6 DataTransfer.conf status (exact strings).</summary>
public enum DataTransferStatus
{
    Accepted,
    Rejected,
    UnknownMessageId,
    UnknownVendorId,
}

/// <summary>A back-office user declared the charge point known (BootNotification is then accepted whatever the policy for unknown ones).</summary>
public sealed record ChargePointRegistered(string ChargePointId, Instant ReceivedAt) : IChargePointEvent;

/// <summary>A BootNotification and the registration status and interval we answered.</summary>
public sealed record ChargePointBooted(
    string ChargePointId,
    string UniqueId,
    string Vendor,
    string Model,
    string? ChargePointSerialNumber,
    string? ChargeBoxSerialNumber,
    string? FirmwareVersion,
    string? Iccid,
    string? Imsi,
    string? MeterType,
    string? MeterSerialNumber,
    RegistrationStatus Status,
    int IntervalSeconds,
    Instant ReceivedAt) : IChargePointEvent;

/// <summary>The gateway reported the charge point's connection up; <see cref="BrokerTime"/> is the gateway's own timestamp.</summary>
public sealed record ChargePointConnected(string ChargePointId, string? Detail, Instant? BrokerTime, Instant ReceivedAt) : IChargePointEvent;

public sealed record ChargePointDisconnected(string ChargePointId, string? Reason, Instant? BrokerTime, Instant ReceivedAt) : IChargePointEvent;

public sealed record HeartbeatReceived(string ChargePointId, string UniqueId, Instant ReceivedAt) : IChargePointEvent;

/// <summary>A StatusNotification, recorded whether or not the status changed. Connector 0 is the charge point itself.</summary>
public sealed record ConnectorStatusReported(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    string Status,
    string ErrorCode,
    string? Info,
    string? VendorId,
    string? VendorErrorCode,
    Instant? DeviceTime,
    Instant ReceivedAt) : IChargePointEvent;

/// <summary>An Authorize request and the idTagInfo we answered.</summary>
public sealed record AuthorizationAnswered(string ChargePointId, string UniqueId, string IdTag, IdTagInfo IdTagInfo, Instant ReceivedAt) : IChargePointEvent;

public sealed record DataTransferReceived(
    string ChargePointId,
    string UniqueId,
    string VendorId,
    string? MessageId,
    string? Data,
    DataTransferStatus ReplyStatus,
    Instant ReceivedAt) : IChargePointEvent;

public sealed record FirmwareStatusReported(string ChargePointId, string UniqueId, string Status, Instant ReceivedAt) : IChargePointEvent;

public sealed record DiagnosticsStatusReported(string ChargePointId, string UniqueId, string Status, Instant ReceivedAt) : IChargePointEvent;

/// <summary>MeterValues sent without a transactionId (e.g. connector 0 main meter, clock-aligned data).</summary>
public sealed record ConnectorMeterValuesRecorded(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    IReadOnlyList<RecordedSample> Samples,
    Instant ReceivedAt) : IChargePointEvent;

/// <summary>
/// A StartTransaction got this transaction id. Holds the idempotency key (connector, idTag, <see cref="DeviceTime"/>, meterStart)
/// and the idTagInfo answered, so a re-sent start is answered identically from this stream alone.
/// </summary>
public sealed record TransactionIdAssigned(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    int TransactionId,
    string IdTag,
    long MeterStart,
    Instant DeviceTime,
    IdTagInfo IdTagInfo,
    Instant ReceivedAt) : IChargePointEvent;

/// <summary>The transaction on the connector stopped; <see cref="MeterStop"/> becomes the connector's last known register.</summary>
public sealed record ConnectorReleased(string ChargePointId, int ConnectorId, int TransactionId, long MeterStop, Instant DeviceTime, Instant ReceivedAt) : IChargePointEvent;

/// <summary>
/// A message that could not be decoded, failed validation or could not be correlated. Kept as evidence: the exact bytes
/// are <see cref="Payload"/> decoded per <see cref="PayloadEncoding"/> ("utf8" or "base64", see <see cref="Shared.RawPayload"/>).
/// <see cref="ChargePointId"/> is empty when the topic did not name one (stream <c>rejected-unroutable</c>).
/// </summary>
public sealed record MessageRejected(
    string ChargePointId,
    string Topic,
    string Payload,
    string PayloadEncoding,
    string Reason,
    string? ErrorCode,
    string? UniqueId,
    Instant ReceivedAt) : IChargePointEvent;
