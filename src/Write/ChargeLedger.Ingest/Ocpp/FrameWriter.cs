using System.Buffers;
using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>Downstream frames in the EMQX JSON object form: CALLRESULT, CALLERROR and our own CALLs.</summary>
public static class FrameWriter
{
    // Millisecond precision with 'Z': what charge points parse most reliably.
    private static readonly InstantPattern Time = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'");

    public static string Format(Instant instant) => Time.Format(instant);

    public static byte[] CallResult(string uniqueId, object? reply) => Write(w =>
    {
        w.WriteNumber("MessageTypeId", 3);
        w.WriteString("UniqueId", uniqueId);
        w.WritePropertyName("Payload");
        w.WriteStartObject();
        WriteReply(w, reply);
        w.WriteEndObject();
    });

    public static byte[] CallError(string uniqueId, string errorCode, string description) => Write(w =>
    {
        w.WriteNumber("MessageTypeId", 4);
        w.WriteString("UniqueId", uniqueId);
        w.WriteString("ErrorCode", errorCode);
        w.WriteString("ErrorDescription", description);
        w.WritePropertyName("ErrorDetails");
        w.WriteStartObject();
        w.WriteEndObject();
    });

    /// <summary>A CALL we send; <paramref name="payloadJson"/> is the request payload object as JSON text.</summary>
    public static byte[] Call(string uniqueId, string action, string payloadJson) => Write(w =>
    {
        w.WriteNumber("MessageTypeId", 2);
        w.WriteString("UniqueId", uniqueId);
        w.WriteString("Action", action);
        w.WritePropertyName("Payload");
        w.WriteRawValue(payloadJson);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteReply(Utf8JsonWriter w, object? reply)
    {
        switch (reply)
        {
            case null:
                break;
            case BootNotificationReply boot:
                w.WriteString("status", boot.Status.ToString());
                w.WriteString("currentTime", Format(boot.CurrentTime));
                w.WriteNumber("interval", boot.Interval);
                break;
            case HeartbeatReply heartbeat:
                w.WriteString("currentTime", Format(heartbeat.CurrentTime));
                break;
            case AuthorizeReply authorize:
                WriteIdTagInfo(w, authorize.IdTagInfo);
                break;
            case StartTransactionReply start:
                WriteIdTagInfo(w, start.IdTagInfo);
                w.WriteNumber("transactionId", start.TransactionId);
                break;
            case StopTransactionReply stop:
                if (stop.IdTagInfo is { } info)
                {
                    WriteIdTagInfo(w, info);
                }

                break;
            case DataTransferReply dataTransfer:
                w.WriteString("status", dataTransfer.Status.ToString());
                if (dataTransfer.Data is { } data)
                {
                    w.WriteString("data", data);
                }

                break;
            default:
                throw new ArgumentException($"{reply.GetType().Name} is not an OCPP reply.", nameof(reply));
        }
    }

    private static void WriteIdTagInfo(Utf8JsonWriter w, IdTagInfo info)
    {
        w.WritePropertyName("idTagInfo");
        w.WriteStartObject();
        w.WriteString("status", info.Status.ToString());
        if (info.ExpiryDate is { } expiry)
        {
            w.WriteString("expiryDate", Format(expiry));
        }

        if (info.ParentIdTag is { } parent)
        {
            w.WriteString("parentIdTag", parent);
        }

        w.WriteEndObject();
    }
}
