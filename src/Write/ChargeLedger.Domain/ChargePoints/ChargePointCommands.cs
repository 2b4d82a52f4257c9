using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

public sealed record RegisterChargePoint(string ChargePointId, Instant ReceivedAt);

public sealed record BootNotification(
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
    Instant ReceivedAt);

public sealed record Heartbeat(string ChargePointId, string UniqueId, Instant ReceivedAt);

public sealed record StatusNotification(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    string Status,
    string ErrorCode,
    string? Info,
    Instant? Timestamp,
    string? VendorId,
    string? VendorErrorCode,
    Instant ReceivedAt);

public sealed record Authorize(string ChargePointId, string UniqueId, string IdTag, Instant ReceivedAt);

public sealed record DataTransfer(string ChargePointId, string UniqueId, string VendorId, string? MessageId, string? Data, Instant ReceivedAt);

public sealed record FirmwareStatusNotification(string ChargePointId, string UniqueId, string Status, Instant ReceivedAt);

public sealed record DiagnosticsStatusNotification(string ChargePointId, string UniqueId, string Status, Instant ReceivedAt);

/// <summary>MeterValues without a transactionId (MeterValues with one go to the transaction decider).</summary>
public sealed record RecordConnectorMeterValues(string ChargePointId, string UniqueId, int ConnectorId, IReadOnlyList<MeterValueInput> MeterValues, Instant ReceivedAt);

public sealed record NoteConnected(string ChargePointId, string? Detail, Instant? BrokerTime, Instant ReceivedAt);

public sealed record NoteDisconnected(string ChargePointId, string? Reason, Instant? BrokerTime, Instant ReceivedAt);

/// <summary>Record an undecodable/invalid/uncorrelated message. <see cref="ChargePointId"/> null or empty when unknown.</summary>
public sealed record RejectMessage(string? ChargePointId, string Topic, ReadOnlyMemory<byte> RawPayload, string Reason, string? ErrorCode, string? UniqueId, Instant ReceivedAt);

public sealed record RequestRemoteCommand(string ChargePointId, string CommandId, string UniqueId, RemoteAction Action, string PayloadJson, string RequestedBy, Instant ReceivedAt);

public sealed record MarkRemoteCommandSent(string ChargePointId, string CommandId, Instant ReceivedAt);

/// <summary>A CALLRESULT on the Reply topic, to correlate with a pending command by <see cref="UniqueId"/>.</summary>
public sealed record RecordRemoteCommandResult(string ChargePointId, string UniqueId, string Topic, string PayloadJson, Instant ReceivedAt);

/// <summary>A CALLERROR on the Reply topic, to correlate with a pending command by <see cref="UniqueId"/>.</summary>
public sealed record RecordRemoteCommandError(
    string ChargePointId,
    string UniqueId,
    string Topic,
    string ErrorCode,
    string ErrorDescription,
    string? ErrorDetailsJson,
    Instant ReceivedAt);

/// <summary>Issued by the ingest/sweeper when no reply came in time; no effect once the command is answered.</summary>
public sealed record TimeOutRemoteCommand(string ChargePointId, string CommandId, Instant ReceivedAt);
