using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using DomainIdTagInfo = ChargeLedger.Domain.Shared.IdTagInfo;
using IdTagInfo = ChargeLedger.Protocol.Ocpp.Messages.IdTagInfo;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>The deciders' replies → OCPP confirmations, written as EMQX frames by the Protocol codec.</summary>
internal static class ReplyWriter
{
    public static byte[] CallResult(string uniqueId, object? reply) => OcppMqttCodec.Serialize(reply switch
    {
        null => OcppMessages.Result(uniqueId, new EmptyResponse()),
        BootNotificationReply boot => OcppMessages.Result(uniqueId, new BootNotificationResponse(boot.Status.ToString(), boot.CurrentTime, boot.Interval)),
        HeartbeatReply heartbeat => OcppMessages.Result(uniqueId, new HeartbeatResponse(heartbeat.CurrentTime)),
        AuthorizeReply authorize => OcppMessages.Result(uniqueId, new AuthorizeResponse(IdTag(authorize.IdTagInfo))),
        StartTransactionReply start => OcppMessages.Result(uniqueId, new StartTransactionResponse(IdTag(start.IdTagInfo), start.TransactionId)),
        StopTransactionReply stop => OcppMessages.Result(uniqueId, new StopTransactionResponse(stop.IdTagInfo is { } info ? IdTag(info) : null)),
        DataTransferReply transfer => OcppMessages.Result(uniqueId, new DataTransferResponse(transfer.Status.ToString(), transfer.Data)),
        _ => throw new ArgumentException($"{reply.GetType().Name} is not an OCPP reply.", nameof(reply)),
    });

    public static byte[] CallError(string uniqueId, OcppErrorCode code, string description) =>
        OcppMqttCodec.Serialize(new OcppCallError(uniqueId, code, description));

    private static IdTagInfo IdTag(DomainIdTagInfo info) => new(info.Status.ToString(), info.ExpiryDate, info.ParentIdTag);
}
