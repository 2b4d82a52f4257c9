using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>
/// Turns one broker message (topic + payload) into an <see cref="InboundMessage"/> with a single JSON parse (the
/// Protocol codec's); CALLs are schema-validated and mapped by <see cref="CommandMapper"/>, so everything past this
/// point is well-formed. Notices are recognised under <paramref name="noticePrefix"/>.
/// </summary>
public sealed class FrameDecoder(OcppTopics topics, string noticePrefix)
{
    public InboundMessage Decode(string topic, ReadOnlyMemory<byte> payload, Instant receivedAt)
    {
        if (OcppGatewayNotice.TryMatch(topic, noticePrefix, out var noticeKind, out _, out var noticeCid))
        {
            return DecodeNotice(topic, noticeCid, noticeKind, payload.Span, receivedAt);
        }

        if (!topics.TryMatch(topic, out var kind, out var chargePointId) || kind == OcppTopicKind.Downstream)
        {
            return new InboundMessage.Invalid(null, null, $"topic '{topic}' is not an OCPP gateway topic", null, false);
        }

        var parsed = OcppMqttCodec.Parse(payload.Span);
        if (parsed.Error is { } error)
        {
            return new InboundMessage.Invalid(chargePointId, error.UniqueId, error.Description, error.Code, kind == OcppTopicKind.Upstream && error.UniqueId is not null);
        }

        if (parsed.Frame!.UniqueId.Contains('\0', StringComparison.Ordinal))
        {
            return new InboundMessage.Invalid(chargePointId, null, "UniqueId contains U+0000", OcppErrorCode.FormationViolation, false);
        }

        if (parsed.Frame is OcppCallError { ErrorCodeText: var code, ErrorDescription: var description } && (code + description).Contains('\0', StringComparison.Ordinal))
        {
            return new InboundMessage.Invalid(chargePointId, parsed.Frame.UniqueId, "CALLERROR ErrorCode or ErrorDescription contains U+0000", OcppErrorCode.FormationViolation, false);
        }

        return (kind, parsed.Frame) switch
        {
            (OcppTopicKind.Upstream, OcppCall call) => CommandMapper.Map(chargePointId, call, receivedAt),
            (_, OcppCallResult result) => new InboundMessage.Reply(
                chargePointId, result.UniqueId, new RecordRemoteCommandResult(chargePointId, result.UniqueId, topic, result.Payload.GetRawText(), receivedAt)),
            (_, OcppCallError callError) => new InboundMessage.Reply(
                chargePointId,
                callError.UniqueId,
                new RecordRemoteCommandError(
                    chargePointId, callError.UniqueId, topic, callError.ErrorCodeText, callError.ErrorDescription, Details(callError.ErrorDetails), receivedAt)),
            (_, var frame) => new InboundMessage.Invalid(
                chargePointId, frame.UniqueId, $"a {frame.MessageType} frame is not expected on '{topic}'", OcppErrorCode.FormationViolation, false),
        };
    }

    private InboundMessage DecodeNotice(string topic, string chargePointId, OcppGatewayEvent kind, ReadOnlySpan<byte> payload, Instant receivedAt)
    {
        if (OcppGatewayNotice.TryParse(topic, payload, noticePrefix) is not { } notice)
        {
            return new InboundMessage.Invalid(chargePointId, null, "notice is not a UTF-8 JSON object", null, false);
        }

        if (kind == OcppGatewayEvent.Connected)
        {
            var connectedAt = notice.ConnectedAt ?? notice.Timestamp;
            return new InboundMessage.Notice(chargePointId, new NoteConnected(chargePointId, Storable(notice.IpAddress), connectedAt, receivedAt), connectedAt);
        }

        var disconnectedAt = notice.DisconnectedAt ?? notice.Timestamp;
        return new InboundMessage.Notice(chargePointId, new NoteDisconnected(chargePointId, Storable(notice.Reason), disconnectedAt, receivedAt), disconnectedAt);
    }

    // PostgreSQL jsonb cannot store U+0000 (also why frames carrying it are refused above): such a detail is dropped, the notice itself kept.
    private static string? Storable(string? text) => text is not null && !text.Contains('\0', StringComparison.Ordinal) ? text : null;

    // The EMQX object form drops ErrorDetails; the empty object the codec stands in for them is not recorded.
    private static string? Details(JsonElement details) => details.EnumerateObject().Any() ? details.GetRawText() : null;
}
