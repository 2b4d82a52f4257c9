using System.Buffers;
using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// Reconstructs the OCPP-J frame the Central System sent for an event: the CALLRESULT answering a charge point's
/// call (the events hold everything the domain's Reply functions use), the CALLERROR of a rejected call, or the
/// CALL of a remote command. Null when nothing was sent (connection notices, anomalies, a start's id assignment
/// whose answer is on the TransactionStarted event).
/// </summary>
internal static class SentFrames
{
    private const int CallResult = 3;
    private const int CallError = 4;
    private const int Call = 2;

    /// <summary>The frame as UTF-8 JSON, as the read model stores it.</summary>
    public static byte[]? For(object domainEvent) => domainEvent switch
    {
        ChargePointBooted e => Result(e.UniqueId, w =>
        {
            w.WriteString("status", e.Status.ToString());
            WriteTime(w, "currentTime", e.ReceivedAt);
            w.WriteNumber("interval", e.IntervalSeconds);
        }),
        HeartbeatReceived e => Heartbeat(e.UniqueId, e.ReceivedAt),
        AuthorizationAnswered e => Result(e.UniqueId, w => WriteIdTagInfo(w, e.IdTagInfo)),
        TransactionStarted e => Result(e.UniqueId, w =>
        {
            w.WriteNumber("transactionId", e.TransactionId);
            WriteIdTagInfo(w, e.IdTagInfo);
        }),
        TransactionStopped e => Result(e.UniqueId, w =>
        {
            if (e.IdTagInfo is { } info)
            {
                WriteIdTagInfo(w, info);
            }
        }),
        DataTransferReceived e => Result(e.UniqueId, w => w.WriteString("status", e.ReplyStatus.ToString())),
        ConnectorStatusReported e => EmptyResult(e.UniqueId),
        MeterValuesRecorded { Source: MeterValuesSource.MeterValues } e => EmptyResult(e.UniqueId),
        ConnectorMeterValuesRecorded e => EmptyResult(e.UniqueId),
        FirmwareStatusReported e => EmptyResult(e.UniqueId),
        DiagnosticsStatusReported e => EmptyResult(e.UniqueId),
        OrphanStopRecorded e => EmptyResult(e.UniqueId),
        OrphanMeterValuesRecorded e => EmptyResult(e.UniqueId),
        MessageRejected { UniqueId: { } uniqueId, ErrorCode: { } errorCode } e => Frame(w =>
        {
            w.WriteNumberValue(CallError);
            w.WriteStringValue(uniqueId);
            w.WriteStringValue(errorCode);
            w.WriteStringValue(e.Reason);
            w.WriteStartObject();
            w.WriteEndObject();
        }),
        RemoteCommandRequested e => Frame(w =>
        {
            w.WriteNumberValue(Call);
            w.WriteStringValue(e.UniqueId);
            w.WriteStringValue(e.Action.ToString());
            WritePayload(w, e.PayloadJson);
        }),
        _ => null,
    };

    /// <summary>The Heartbeat.conf: the Central System's time when the heartbeat arrived.</summary>
    public static byte[] Heartbeat(string uniqueId, Instant receivedAt) => Result(uniqueId, w => WriteTime(w, "currentTime", receivedAt));

    /// <summary>The CALLRESULT of a call whose confirmation has an empty payload.</summary>
    public static byte[] EmptyResult(string uniqueId) => Result(uniqueId, _ => { });

    private static byte[] Result(string uniqueId, Action<Utf8JsonWriter> payload) => Frame(w =>
    {
        w.WriteNumberValue(CallResult);
        w.WriteStringValue(uniqueId);
        w.WriteStartObject();
        payload(w);
        w.WriteEndObject();
    });

    private static byte[] Frame(Action<Utf8JsonWriter> elements)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            elements(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIdTagInfo(Utf8JsonWriter writer, IdTagInfo info)
    {
        writer.WriteStartObject("idTagInfo");
        writer.WriteString("status", info.Status.ToString());
        if (info.ExpiryDate is { } expiry)
        {
            WriteTime(writer, "expiryDate", expiry);
        }
        if (info.ParentIdTag is { } parent)
        {
            writer.WriteString("parentIdTag", parent);
        }
        writer.WriteEndObject();
    }

    /// <summary>The request payload as JSON, or as a string when it is not valid JSON (kept, not dropped).</summary>
    private static void WritePayload(Utf8JsonWriter writer, string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(payloadJson);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, Instant instant) =>
        writer.WriteString(name, InstantPattern.ExtendedIso.Format(instant));
}
