using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using NodaTime;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>What the audit index needs to know about one event beyond the store's own columns.</summary>
internal sealed record AuditFacts(
    long Position,
    Instant OccurredAt,
    Instant? ReceivedAt,
    string? ChargePointId,
    int? TransactionId,
    int? ConnectorId,
    string? IdTag,
    byte[]? Sent)
{
    /// <summary>The facts of a stored event: read from its JSON for the frequent types, else from the domain event (null when the type is unknown).</summary>
    public static AuditFacts Of(RecordedEvent recorded) =>
        AuditFactsReader.TryRead(recorded) ?? Of(recorded, EventSerializer.Deserialize(recorded.Type, recorded.Data.Span));

    public static AuditFacts Of(RecordedEvent recorded, object? domainEvent)
    {
        var metadata = recorded.Metadata;
        var receivedAt = (domainEvent as IDomainEvent)?.ReceivedAt ?? metadata.ReceivedAt;
        var occurredAt = DeviceTime(domainEvent) ?? metadata.DeviceTime ?? receivedAt ?? recorded.RecordedAt;
        var chargePointId = domainEvent switch
        {
            IChargePointEvent { ChargePointId.Length: > 0 } e => e.ChargePointId,
            IOrphanEvent e => e.ChargePointId,
            TransactionStarted e => e.ChargePointId,
            MeterValuesRecorded e => e.ChargePointId,
            TransactionStopped e => e.ChargePointId,
            TransactionAnomalyDetected e => e.ChargePointId,
            _ => metadata.ChargePointId is { Length: > 0 } fromMetadata ? fromMetadata : null,
        };
        var transactionId = domainEvent switch
        {
            ITransactionEvent e => e.TransactionId,
            TransactionIdAssigned e => e.TransactionId,
            ConnectorReleased e => e.TransactionId,
            _ => (int?)null,
        };
        var connectorId = domainEvent switch
        {
            ConnectorStatusReported e => e.ConnectorId,
            TransactionStarted e => e.ConnectorId,
            MeterValuesRecorded e => e.ConnectorId,
            ConnectorMeterValuesRecorded e => e.ConnectorId,
            TransactionIdAssigned e => e.ConnectorId,
            ConnectorReleased e => e.ConnectorId,
            OrphanMeterValuesRecorded e => e.ConnectorId,
            _ => (int?)null,
        };
        var idTag = domainEvent switch
        {
            AuthorizationAnswered e => e.IdTag,
            TransactionStarted e => e.IdTag,
            TransactionIdAssigned e => e.IdTag,
            TransactionStopped e => e.IdTag,
            OrphanStopRecorded e => e.IdTag,
            _ => null,
        };
        return new AuditFacts(
            recorded.Position, occurredAt, receivedAt, chargePointId, transactionId, connectorId,
            idTag is null ? null : StreamIds.IdTagKey(idTag), domainEvent is null ? null : SentFrames.For(domainEvent));
    }

    /// <summary>The charge point's own time of the fact, when the event carries one (anomalies carry the offending time, not theirs).</summary>
    private static Instant? DeviceTime(object? domainEvent) => domainEvent switch
    {
        TransactionStarted e => e.DeviceTime,
        TransactionStopped e => e.DeviceTime,
        TransactionIdAssigned e => e.DeviceTime,
        ConnectorReleased e => e.DeviceTime,
        OrphanStopRecorded e => e.DeviceTime,
        ConnectorStatusReported e => e.DeviceTime,
        ChargePointConnected e => e.BrokerTime,
        ChargePointDisconnected e => e.BrokerTime,
        MeterValuesRecorded e => Earliest(e.Samples),
        ConnectorMeterValuesRecorded e => Earliest(e.Samples),
        OrphanMeterValuesRecorded e => Earliest(e.Samples),
        _ => null,
    };

    private static Instant? Earliest(IReadOnlyList<RecordedSample> samples) => samples.Count == 0 ? null : samples.Min(s => s.Timestamp);
}
