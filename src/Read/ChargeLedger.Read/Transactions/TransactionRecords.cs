using NodaTime;

namespace ChargeLedger.Read.Transactions;

/// <summary>A charging session. Times named <c>…At</c> without "Received" are the charge point's (device) times.</summary>
public sealed record TransactionView(
    int TransactionId,
    string ChargePointId,
    int ConnectorId,
    string IdTag,
    string IdTagStatus,
    Instant StartedAt,
    Instant StartReceivedAt,
    Instant? StoppedAt,
    Instant? StopReceivedAt,
    long MeterStartWh,
    long? MeterStopWh,
    long? EnergyWh,
    decimal? EnergyKWh,
    string Status,
    string? StopReason,
    string? StopIdTag,
    long StartPosition,
    long? StopPosition,
    IReadOnlyList<TransactionAnomaly> Anomalies);

/// <summary>An anomaly recorded against the session; <see cref="Position"/> is its event's global position.</summary>
public sealed record TransactionAnomaly(long Position, string Kind, string Detail, long? ReadingWh, long? ReferenceWh, Instant? DeviceTime, Instant ReceivedAt);

/// <summary>
/// One sampled value of a session, from the event at <see cref="Position"/> (version <see cref="StreamVersion"/> of the transaction's
/// stream). <see cref="EnergyWh"/> is the value normalised to Wh for energy registers; <see cref="SignedData"/> the raw value when signed.
/// </summary>
public sealed record MeterReading(
    long Position,
    long StreamVersion,
    int SampleIndex,
    int ConnectorId,
    string Source,
    Instant DeviceTime,
    Instant ReceivedAt,
    string Measurand,
    string Context,
    string? Phase,
    string Location,
    string Unit,
    string Format,
    string RawValue,
    decimal? Number,
    long? EnergyWh,
    string? SignedData);

/// <summary>A StopTransaction that could not be attached to a session of ours (see OrphanReason).</summary>
public sealed record OrphanStop(
    long Position,
    string ChargePointId,
    int ReportedTransactionId,
    string OrphanReason,
    long MeterStopWh,
    Instant StoppedAt,
    Instant ReceivedAt,
    string? IdTag,
    string? StopReason,
    int SampleCount);

/// <summary>List filter; <see cref="From"/>/<see cref="To"/> bound the start (device time, to exclusive); idTags compare case-insensitively.</summary>
public sealed record TransactionFilter(string? ChargePointId = null, string? IdTag = null, Instant? From = null, Instant? To = null);
