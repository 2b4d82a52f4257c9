using System.Globalization;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.ReadModels.Tests;

/// <summary>The events one OCPP message produced, with the metadata ingest records (topic, raw frame, UniqueId, times).</summary>
internal sealed record Message(IReadOnlyList<object> Events, EventMetadata Metadata);

/// <summary>
/// Builds the domain events a charge point's messages produce, as the deciders would, each with an EMQX-style raw frame.
/// Every message is received <see cref="Latency"/> after its device time unless a received time is given (offline queues).
/// </summary>
internal sealed class ChargePointScript(string chargePointId)
{
    public static readonly Duration Latency = Duration.FromSeconds(1);

    private static readonly IdTagInfo Accepted = new(AuthorizationStatus.Accepted, null, null);
    private int messageNumber;

    public string ChargePointId { get; } = chargePointId;

    public string Topic => "ocpp/cp/" + ChargePointId;

    public Message Boot(Instant at, int intervalSeconds = 60) => Call("BootNotification", at, null,
        """{"chargePointVendor":"Alfen","chargePointModel":"NG910"}""",
        uid => [new ChargePointBooted(ChargePointId, uid, "Alfen", "NG910", "SN-1", "BOX-1", "6.1.0", null, null, "MID", "M-1", RegistrationStatus.Accepted, intervalSeconds, at + Latency)]);

    public Message Connected(Instant at) => Notice(at, new ChargePointConnected(ChargePointId, "ws connected", at, at + Latency));

    public Message Disconnected(Instant at, string reason) => Notice(at, new ChargePointDisconnected(ChargePointId, reason, at, at + Latency));

    public Message Heartbeat(Instant at) => Call("Heartbeat", at, null, "{}", uid => [new HeartbeatReceived(ChargePointId, uid, at + Latency)]);

    public Message Status(int connectorId, string status, Instant at, string errorCode = "NoError", string? info = null) => Call(
        "StatusNotification", at, null, $$"""{"connectorId":{{connectorId}},"status":"{{status}}","errorCode":"{{errorCode}}","timestamp":"{{Iso(at)}}"}""",
        uid => [new ConnectorStatusReported(ChargePointId, uid, connectorId, status, errorCode, info, null, null, at, at + Latency)]);

    public Message Authorize(string idTag, Instant at) => Call("Authorize", at, null, $$"""{"idTag":"{{idTag}}"}""",
        uid => [new AuthorizationAnswered(ChargePointId, uid, idTag, Accepted, at + Latency)]);

    public Message Start(int transactionId, int connectorId, string idTag, long meterStart, Instant at) => Call(
        "StartTransaction", at, null,
        $$"""{"connectorId":{{connectorId}},"idTag":"{{idTag}}","meterStart":{{meterStart}},"timestamp":"{{Iso(at)}}"}""",
        uid =>
        [
            new TransactionIdAssigned(ChargePointId, uid, connectorId, transactionId, idTag, meterStart, at, Accepted, at + Latency),
            new TransactionStarted(transactionId, ChargePointId, uid, connectorId, idTag, meterStart, null, at, Accepted, at + Latency),
        ]);

    /// <summary>A MeterValues with an energy register (Wh) and optionally the active power (kW, as some charge points send it).</summary>
    public Message Meter(int transactionId, int connectorId, Instant at, long registerWh, decimal? powerKw = null, Instant? receivedAt = null) => Call(
        "MeterValues", at, receivedAt,
        $$"""{"connectorId":{{connectorId}},"transactionId":{{transactionId}},"meterValue":[{"timestamp":"{{Iso(at)}}","sampledValue":[{"value":"{{registerWh}}"}]}]}""",
        uid => [new MeterValuesRecorded(transactionId, ChargePointId, uid, connectorId, MeterValuesSource.MeterValues, Samples(at, registerWh, powerKw), receivedAt ?? at + Latency)]);

    public Message ConnectorMeter(int connectorId, Instant at, long registerWh) => Call(
        "MeterValues", at, null, $$"""{"connectorId":{{connectorId}},"meterValue":[{"timestamp":"{{Iso(at)}}","sampledValue":[{"value":"{{registerWh}}"}]}]}""",
        uid => [new ConnectorMeterValuesRecorded(ChargePointId, uid, connectorId, Samples(at, registerWh, null), at + Latency)]);

    public Message OrphanMeter(int reportedTransactionId, int connectorId, Instant at, long registerWh) => Call(
        "MeterValues", at, null, $$"""{"connectorId":{{connectorId}},"transactionId":{{reportedTransactionId}},"meterValue":[]}""",
        uid => [new OrphanMeterValuesRecorded(ChargePointId, uid, connectorId, reportedTransactionId, OrphanReason.UnassignedTransactionId, Samples(at, registerWh, null), at + Latency)]);

    public Message Stop(int transactionId, int connectorId, string idTag, long meterStart, long meterStop, Instant at, string reason = "Local") => Call(
        "StopTransaction", at, null,
        $$"""{"transactionId":{{transactionId}},"idTag":"{{idTag}}","meterStop":{{meterStop}},"timestamp":"{{Iso(at)}}","reason":"{{reason}}"}""",
        uid =>
        [
            new TransactionStopped(transactionId, ChargePointId, uid, meterStart, meterStop, meterStop - meterStart, at, idTag, reason, Accepted, at + Latency),
            new ConnectorReleased(ChargePointId, connectorId, transactionId, meterStop, at, at + Latency),
        ]);

    public Message OrphanStop(int reportedTransactionId, long meterStop, Instant at) => Call(
        "StopTransaction", at, null, $$"""{"transactionId":{{reportedTransactionId}},"meterStop":{{meterStop}},"timestamp":"{{Iso(at)}}"}""",
        uid => [new OrphanStopRecorded(ChargePointId, uid, reportedTransactionId, meterStop, at, null, "EVDisconnected", OrphanReason.UnknownTransaction, [], at + Latency)]);

    public Message Anomaly(int transactionId, AnomalyKind kind, string detail, Instant at, long? readingWh = null, long? referenceWh = null) => Call(
        "MeterValues", at, null, "{}",
        uid => [new TransactionAnomalyDetected(transactionId, ChargePointId, uid, kind, detail, readingWh, referenceWh, at, at + Latency)]);

    public Message Rejected(Instant at, string payload, string reason) => Call(
        "DataTransfer", at, null, payload,
        uid => [new MessageRejected(ChargePointId, Topic, payload, RawPayload.Utf8, reason, "FormationViolation", uid, at + Latency)]);

    private static IReadOnlyList<RecordedSample> Samples(Instant at, long registerWh, decimal? powerKw)
    {
        var register = new RecordedSample(at, registerWh.ToString(CultureInfo.InvariantCulture), RecordedSample.EnergyActiveImportRegister, "Wh",
            "Sample.Periodic", "Raw", "Outlet", null, registerWh, registerWh);
        return powerKw is { } kw
            ? [register, new RecordedSample(at, kw.ToString(CultureInfo.InvariantCulture), "Power.Active.Import", "kW", "Sample.Periodic", "Raw", "Outlet", null, kw, null)]
            : [register];
    }

    private Message Call(string action, Instant deviceTime, Instant? receivedAt, string payload, Func<string, IReadOnlyList<object>> events)
    {
        var uid = $"{ChargePointId}-{++messageNumber}";
        var raw = $$"""{"MessageTypeId":2,"UniqueId":"{{uid}}","Action":"{{action}}","Payload":{{payload}}}""";
        return new Message(events(uid), new EventMetadata(
            Source: "mqtt", Topic: Topic, ChargePointId: ChargePointId, OcppMessageId: uid, DeviceTime: deviceTime,
            ReceivedAt: receivedAt ?? deviceTime + Latency, Raw: raw));
    }

    private Message Notice(Instant at, object notice) => new(
        [notice],
        new EventMetadata(Source: "mqtt", Topic: "$SYS/brokers/emqx@127.0.0.1/gateway/ocpp/clients/" + ChargePointId,
            ChargePointId: ChargePointId, DeviceTime: at, ReceivedAt: at + Latency, Raw: $$"""{"clientid":"{{ChargePointId}}"}"""));

    private static string Iso(Instant at) => InstantPattern.ExtendedIso.Format(at);
}
