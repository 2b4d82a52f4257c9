using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Transactions;

/// <summary>
/// A StartTransaction. <see cref="AllocatedTransactionId"/> is a fresh positive id from the shared sequence; it is used
/// only if this start is new (a re-sent start keeps its first id, the allocated one is simply unused).
/// </summary>
public sealed record StartTransaction(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    string IdTag,
    long MeterStart,
    int? ReservationId,
    Instant Timestamp,
    int AllocatedTransactionId,
    Instant ReceivedAt);

/// <summary>MeterValues carrying a transactionId (including -1 / unknown ids, which end up as orphans).</summary>
public sealed record RecordMeterValues(
    string ChargePointId,
    string UniqueId,
    int ConnectorId,
    int TransactionId,
    IReadOnlyList<MeterValueInput> MeterValues,
    Instant ReceivedAt);

public sealed record StopTransaction(
    string ChargePointId,
    string UniqueId,
    int TransactionId,
    long MeterStop,
    Instant Timestamp,
    string? IdTag,
    string? Reason,
    IReadOnlyList<MeterValueInput> TransactionData,
    Instant ReceivedAt);

/// <summary>Issued by the sweeper with the current time: flags an open transaction without stop for too long.</summary>
public sealed record CheckTransactionStop(int TransactionId, Instant ReceivedAt);
