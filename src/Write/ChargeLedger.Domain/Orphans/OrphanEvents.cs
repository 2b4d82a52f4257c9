using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Orphans;

public enum OrphanReason
{
    /// <summary>A positive transaction id we never assigned (or whose start we never received).</summary>
    UnknownTransaction,

    /// <summary>-1 or another non-positive id: the charge point never got a StartTransaction.conf (errata §3.18).</summary>
    UnassignedTransactionId,

    /// <summary>The id belongs to a transaction of another charge point.</summary>
    OtherChargePoint,
}

/// <summary>A StopTransaction for a transaction we cannot attach it to, kept with its transactionData for reconciliation.</summary>
public sealed record OrphanStopRecorded(
    string ChargePointId,
    string UniqueId,
    int TransactionId,
    long MeterStop,
    Instant DeviceTime,
    string? IdTag,
    string? Reason,
    OrphanReason OrphanReason,
    IReadOnlyList<RecordedSample> Samples,
    Instant ReceivedAt) : IOrphanEvent;

/// <summary>MeterValues for a transaction we cannot attach them to (only samples not recorded before).</summary>
public sealed record OrphanMeterValuesRecorded(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    int TransactionId,
    OrphanReason OrphanReason,
    IReadOnlyList<RecordedSample> Samples,
    Instant ReceivedAt) : IOrphanEvent;
