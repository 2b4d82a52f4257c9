using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Transactions;

/// <summary>Where recorded samples came from.</summary>
public enum MeterValuesSource
{
    MeterValues,
    StopTransactionData,
}

/// <summary>Suspicious facts, recorded next to the data (which is kept regardless).</summary>
public enum AnomalyKind
{
    /// <summary>The start's idTagInfo was not Accepted (offline-authorised or unknown tag): the session is kept as evidence.</summary>
    IdTagNotAccepted,

    /// <summary>The connector still had an open transaction when this one started.</summary>
    ConnectorBusy,

    /// <summary>meterStart far above the connector's last known register (the "lifetime meter billed" bug).</summary>
    MeterStartAboveLastRegister,

    /// <summary>An energy register (or meterStart/meterStop) lower than an earlier reading.</summary>
    MeterRegisterBackwards,

    /// <summary>A device timestamp beyond the tolerance after the receive time.</summary>
    TimestampInFuture,

    /// <summary>A device timestamp before the previous one of the transaction or connector.</summary>
    TimestampBeforePrevious,

    MeterStopBelowMeterStart,

    /// <summary>A second StopTransaction with different content for an already stopped transaction; it is not applied.</summary>
    ConflictingStop,

    /// <summary>No StopTransaction within the configured time.</summary>
    StopMissing,
}

/// <summary>
/// A StartTransaction, with the transaction id we assigned and the idTagInfo we answered (possibly not Accepted:
/// offline starts are recorded anyway). <see cref="DeviceTime"/> is the OCPP timestamp.
/// </summary>
public sealed record TransactionStarted(
    int TransactionId,
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    string IdTag,
    long MeterStart,
    int? ReservationId,
    Instant DeviceTime,
    IdTagInfo IdTagInfo,
    Instant ReceivedAt) : ITransactionEvent;

/// <summary>New sampled values of the transaction (already recorded ones are left out); each sample has its device timestamp.</summary>
public sealed record MeterValuesRecorded(
    int TransactionId,
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    MeterValuesSource Source,
    IReadOnlyList<RecordedSample> Samples,
    Instant ReceivedAt) : ITransactionEvent;

/// <summary>
/// The StopTransaction applied to the transaction (only the first one). <see cref="EnergyWh"/> = MeterStop − MeterStart
/// (negative values are flagged, not hidden). <see cref="Reason"/> is "Local" when the charge point sent none.
/// </summary>
public sealed record TransactionStopped(
    int TransactionId,
    string ChargePointId,
    string UniqueId,
    long MeterStart,
    long MeterStop,
    long EnergyWh,
    Instant DeviceTime,
    string? IdTag,
    string Reason,
    IdTagInfo? IdTagInfo,
    Instant ReceivedAt) : ITransactionEvent;

/// <summary>
/// An anomaly. <see cref="ReadingWh"/> is the offending reading (meterStart, register, meterStop) and
/// <see cref="ReferenceWh"/> what it was compared with, when the kind involves energy; <see cref="DeviceTime"/> the
/// offending device timestamp (for ConflictingStop: the conflicting stop's reading and timestamp).
/// </summary>
public sealed record TransactionAnomalyDetected(
    int TransactionId,
    string ChargePointId,
    string? UniqueId,
    AnomalyKind Kind,
    string Detail,
    long? ReadingWh,
    long? ReferenceWh,
    Instant? DeviceTime,
    Instant ReceivedAt) : ITransactionEvent;
