using NodaTime;

namespace ChargeLedger.Read.AuditTrail;

/// <summary>
/// One event of a trail. <see cref="Data"/> is the event's JSON, <see cref="Raw"/> the MQTT payload it came from (prefixed
/// "base64:" when it was not UTF-8), <see cref="Sent"/> the OCPP-J frame we sent for it (JSON array), <see cref="Hash"/> hex.
/// </summary>
public sealed record TrailEvent(
    long Position,
    string StreamId,
    long StreamVersion,
    string Type,
    Instant OccurredAt,
    Instant RecordedAt,
    Instant? ReceivedAt,
    string Data,
    string? Raw,
    string? Topic,
    string? OcppMessageId,
    string Hash,
    string? ChargePointId,
    int? TransactionId,
    int? ConnectorId,
    string? Sent);

/// <summary>
/// Every related event in device-time order, the window searched (null bounds: open), and the streams involved, whose
/// hash chains the caller verifies with <c>IEventStore.VerifyStreamAsync</c> to report <c>chainValid</c>.
/// </summary>
public sealed record Trail(Instant? From, Instant? To, IReadOnlyList<TrailEvent> Events, IReadOnlyList<string> Streams);

/// <summary>
/// How far around a transaction the trail looks for related charge-point events: the Authorize before the start,
/// the status changes after the stop. Heartbeats are left out unless asked for.
/// </summary>
public sealed record TrailOptions(Duration Lead, Duration Lag, bool IncludeHeartbeats = false)
{
    public static TrailOptions Default { get; } = new(Duration.FromMinutes(10), Duration.FromMinutes(10));
}
