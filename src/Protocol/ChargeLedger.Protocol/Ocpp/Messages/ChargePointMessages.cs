using NodaTime;

namespace ChargeLedger.Protocol.Ocpp.Messages;

// Messages a charge point initiates (OCPP 1.6 §4) and the central system's answers. Enumerated values stay strings:
// they are validated against the schema, and keeping the received spelling is what an audit trail needs.

public sealed record IdTagInfo(string Status, Instant? ExpiryDate = null, string? ParentIdTag = null);

public sealed record AuthorizeRequest(string IdTag);

public sealed record AuthorizeResponse(IdTagInfo IdTagInfo);

public sealed record BootNotificationRequest(
    string ChargePointVendor,
    string ChargePointModel,
    string? ChargePointSerialNumber = null,
    string? ChargeBoxSerialNumber = null,
    string? FirmwareVersion = null,
    string? Iccid = null,
    string? Imsi = null,
    string? MeterType = null,
    string? MeterSerialNumber = null);

public sealed record BootNotificationResponse(string Status, Instant CurrentTime, int Interval);

public sealed record DataTransferRequest(string VendorId, string? MessageId = null, string? Data = null);

public sealed record DataTransferResponse(string Status, string? Data = null);

public sealed record DiagnosticsStatusNotificationRequest(string Status);

public sealed record FirmwareStatusNotificationRequest(string Status);

public sealed record HeartbeatRequest;

public sealed record HeartbeatResponse(Instant CurrentTime);

public sealed record SampledValue(
    string Value,
    string? Context = null,
    string? Format = null,
    string? Measurand = null,
    string? Phase = null,
    string? Location = null,
    string? Unit = null);

public sealed record MeterValue(Instant Timestamp, IReadOnlyList<SampledValue> SampledValue);

public sealed record MeterValuesRequest(int ConnectorId, IReadOnlyList<MeterValue> MeterValue, int? TransactionId = null);

public sealed record StartTransactionRequest(int ConnectorId, string IdTag, int MeterStart, Instant Timestamp, int? ReservationId = null);

public sealed record StartTransactionResponse(IdTagInfo IdTagInfo, int TransactionId);

public sealed record StatusNotificationRequest(
    int ConnectorId,
    string ErrorCode,
    string Status,
    string? Info = null,
    Instant? Timestamp = null,
    string? VendorId = null,
    string? VendorErrorCode = null);

public sealed record StopTransactionRequest(
    int TransactionId,
    int MeterStop,
    Instant Timestamp,
    string? IdTag = null,
    string? Reason = null,
    IReadOnlyList<MeterValue>? TransactionData = null);

public sealed record StopTransactionResponse(IdTagInfo? IdTagInfo = null);

/// <summary>The empty payload <c>{}</c> (DiagnosticsStatusNotification/FirmwareStatusNotification/MeterValues/StatusNotification.conf).</summary>
public sealed record EmptyResponse;
