using NodaTime;

namespace ChargeLedger.Read.LiveStatus;

/// <summary>A charge point as support staff see it now; <see cref="Online"/> and <see cref="OnlineReason"/> are evaluated at the query's instant.</summary>
public sealed record ChargePointStatus(
    string ChargePointId,
    bool Online,
    string OnlineReason,
    Instant? LastSeen,
    Instant? LastDeviceTime,
    string? LastMessageType,
    Instant? OfflineAfter,
    int? HeartbeatIntervalSeconds,
    string? Vendor,
    string? Model,
    string? FirmwareVersion,
    string? ChargePointSerialNumber,
    string? ChargeBoxSerialNumber,
    string? MeterType,
    string? MeterSerialNumber,
    string? Iccid,
    string? Imsi,
    string? RegistrationStatus,
    Instant? LastBootAt,
    Instant? LastConnectedAt,
    Instant? LastDisconnectedAt,
    string? DisconnectReason,
    IReadOnlyList<ConnectorStatus> Connectors);

/// <summary>A connector (0 is the charge point itself): last reported status, current transaction, latest power (W) and energy register (Wh).</summary>
public sealed record ConnectorStatus(
    int ConnectorId,
    string? Status,
    string? ErrorCode,
    string? Info,
    string? VendorErrorCode,
    Instant? StatusAt,
    int? TransactionId,
    decimal? PowerW,
    Instant? PowerAt,
    long? EnergyWh,
    decimal? EnergyKWh,
    Instant? EnergyAt,
    Instant UpdatedAt);

/// <summary>
/// When a charge point counts as offline: no traffic for <see cref="HeartbeatMultiple"/> × its heartbeat interval
/// (the interval we answered at boot, or <see cref="DefaultHeartbeatIntervalSeconds"/> before any boot).
/// </summary>
public sealed record LiveStatusOptions(int HeartbeatMultiple = 3, int DefaultHeartbeatIntervalSeconds = 300);

/// <summary>List filter: online or offline only, and/or charge points with a connector in this OCPP status.</summary>
public sealed record ChargePointFilter(bool? Online = null, string? ConnectorStatus = null);
