using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using DomainIdTagInfo = ChargeLedger.Domain.Shared.IdTagInfo;
using IdTagInfo = ChargeLedger.Protocol.Ocpp.Messages.IdTagInfo;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>
/// The deciders' replies → OCPP confirmations as EMQX CALLRESULT frames (the Protocol codec's layout), the typed
/// response written straight into the frame: every message is answered, so this is on the hot path.
/// </summary>
internal static class ReplyWriter
{
    public static byte[] CallResult(string uniqueId, object? reply) => reply switch
    {
        null => Result(uniqueId, new EmptyResponse(), OcppJsonContext.Default.EmptyResponse),
        BootNotificationReply boot => Result(uniqueId, new BootNotificationResponse(boot.Status.ToString(), boot.CurrentTime, boot.Interval), OcppJsonContext.Default.BootNotificationResponse),
        HeartbeatReply heartbeat => Result(uniqueId, new HeartbeatResponse(heartbeat.CurrentTime), OcppJsonContext.Default.HeartbeatResponse),
        AuthorizeReply authorize => Result(uniqueId, new AuthorizeResponse(IdTag(authorize.IdTagInfo)), OcppJsonContext.Default.AuthorizeResponse),
        StartTransactionReply start => Result(uniqueId, new StartTransactionResponse(IdTag(start.IdTagInfo), start.TransactionId), OcppJsonContext.Default.StartTransactionResponse),
        StopTransactionReply stop => Result(uniqueId, new StopTransactionResponse(stop.IdTagInfo is { } info ? IdTag(info) : null), OcppJsonContext.Default.StopTransactionResponse),
        DataTransferReply transfer => Result(uniqueId, new DataTransferResponse(transfer.Status.ToString(), transfer.Data), OcppJsonContext.Default.DataTransferResponse),
        _ => throw new ArgumentException($"{reply.GetType().Name} is not an OCPP reply.", nameof(reply)),
    };

    public static byte[] CallError(string uniqueId, OcppErrorCode code, string description) =>
        OcppMqttCodec.Serialize(new OcppCallError(uniqueId, code, description));

    private static byte[] Result<T>(string uniqueId, T payload, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("MessageTypeId", (int)OcppMessageType.CallResult);
            writer.WriteString("UniqueId", uniqueId);
            writer.WritePropertyName("Payload");
            JsonSerializer.Serialize(writer, payload, typeInfo);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static IdTagInfo IdTag(DomainIdTagInfo info) => new(info.Status.ToString(), info.ExpiryDate, info.ParentIdTag);
}
