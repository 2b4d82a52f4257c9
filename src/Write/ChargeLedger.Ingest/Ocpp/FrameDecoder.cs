using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>
/// Turns one broker message (topic + EMQX JSON object) into an <see cref="InboundMessage"/> with a single JSON parse:
/// frame shape, action and payload schema are checked here, so everything past this point is well-formed.
/// </summary>
public sealed class FrameDecoder(TopicLayout topics)
{
    private const int MaxUniqueIdLength = 36;

    public InboundMessage Decode(string topic, ReadOnlyMemory<byte> payload, Instant receivedAt)
    {
        var (kind, chargePointId) = topics.Classify(topic);
        if (kind == TopicKind.Unknown || chargePointId is null)
        {
            return new InboundMessage.Invalid(chargePointId, null, $"topic '{topic}' is not an OCPP gateway topic", null, false);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            return new InboundMessage.Invalid(chargePointId, null, "payload is not JSON: " + e.Message, OcppErrorCodes.FormationViolation, false);
        }

        using (document)
        {
            var root = document.RootElement;
            return kind switch
            {
                TopicKind.Connected or TopicKind.Disconnected => NoticeDecoder.Decode(chargePointId, kind == TopicKind.Connected, root, receivedAt),
                _ => DecodeFrame(kind, topic, chargePointId, root, receivedAt),
            };
        }
    }

    private static InboundMessage DecodeFrame(TopicKind kind, string topic, string chargePointId, JsonElement root, Instant receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new InboundMessage.Invalid(chargePointId, null, $"frame is a JSON {root.ValueKind}, not an object", OcppErrorCodes.FormationViolation, false);
        }

        var uniqueId = root.TryGetProperty("UniqueId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and <= MaxUniqueIdLength } text
            && !text.Contains('\0', StringComparison.Ordinal)
            ? text
            : null;
        if (!root.TryGetProperty("MessageTypeId", out var typeElement) || !typeElement.TryGetInt32(out var messageType))
        {
            return new InboundMessage.Invalid(chargePointId, uniqueId, "frame has no integer MessageTypeId", OcppErrorCodes.FormationViolation, kind == TopicKind.Request);
        }

        if (uniqueId is null)
        {
            return new InboundMessage.Invalid(chargePointId, null, $"frame has no UniqueId string of 1 to {MaxUniqueIdLength} characters", OcppErrorCodes.FormationViolation, false);
        }

        try
        {
            return (kind, messageType) switch
            {
                (TopicKind.Request, 2) => CallDecoder.Decode(chargePointId, uniqueId, root, receivedAt),
                (_, 3) => new InboundMessage.Reply(chargePointId, uniqueId, new RecordRemoteCommandResult(chargePointId, uniqueId, topic, ReplyPayload(root), receivedAt)),
                (_, 4) => new InboundMessage.Reply(chargePointId, uniqueId, new RecordRemoteCommandError(
                    chargePointId, uniqueId, topic, Text(root, "ErrorCode"), Text(root, "ErrorDescription"), ErrorDetails(root), receivedAt)),
                _ => new InboundMessage.Invalid(chargePointId, uniqueId, $"MessageTypeId {messageType} is not expected on this topic", OcppErrorCodes.FormationViolation, kind == TopicKind.Request),
            };
        }
        catch (PayloadException e)
        {
            return new InboundMessage.Invalid(chargePointId, uniqueId, e.Message, e.ErrorCode, kind == TopicKind.Request);
        }
    }

    private static string ReplyPayload(JsonElement root) =>
        root.TryGetProperty("Payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            ? payload.GetRawText()
            : throw new PayloadException(OcppErrorCodes.FormationViolation, "CALLRESULT has no Payload object");

    private static string? ErrorDetails(JsonElement root) =>
        root.TryGetProperty("ErrorDetails", out var details) && details.ValueKind == JsonValueKind.Object ? details.GetRawText() : null;

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !text.Contains('\0', StringComparison.Ordinal)
            ? text
            : throw new PayloadException(OcppErrorCodes.FormationViolation, $"CALLERROR has no {name} string");
}
