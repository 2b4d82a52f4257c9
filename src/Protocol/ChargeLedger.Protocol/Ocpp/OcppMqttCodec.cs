using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>
/// The EMQX OCPP gateway's MQTT payload: a JSON object with <c>MessageTypeId</c>, <c>UniqueId</c>, <c>Action</c>
/// (CALL only), <c>Payload</c> (CALL/CALLRESULT), <c>ErrorCode</c> and <c>ErrorDescription</c> (CALLERROR).
/// Key order is free; an <c>Action</c> on a CALLRESULT is tolerated and ignored.
/// </summary>
public static class OcppMqttCodec
{
    /// <summary>Parses the UTF-8 payload as received: validated once, parsed without a detour through a string.</summary>
    public static OcppFrameParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return Fail(OcppErrorCode.FormationViolation, "the payload is not valid UTF-8");
        }

        // RawText is only materialised as a string once the frame parsed; the parse itself reads the bytes.
        var bytes = utf8.ToArray();
        return Parse(bytes, () => Encoding.UTF8.GetString(bytes));
    }

    public static OcppFrameParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.UTF8.GetBytes(text), () => text);
    }

    private static OcppFrameParseResult Parse(ReadOnlyMemory<byte> utf8, Func<string> rawText)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException ex)
        {
            return Fail(OcppErrorCode.FormationViolation, $"the payload is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(OcppErrorCode.FormationViolation, "the payload must be a JSON object with MessageTypeId and UniqueId");
            }
            // The UniqueId is read first so that a frame with a bad MessageTypeId can still be answered.
            var hasId = OcppFrameFields.TryUniqueId(Get(root, "UniqueId"), "UniqueId", out var id, out var idError);
            if (!OcppFrameFields.TryMessageType(Get(root, "MessageTypeId"), out var type, out var error))
            {
                return new OcppFrameParseResult(null, new OcppError(OcppErrorCode.FormationViolation, error, hasId ? id : null));
            }
            if (!hasId)
            {
                return Fail(OcppErrorCode.FormationViolation, idError);
            }
            OcppFrame? frame = type switch
            {
                OcppMessageType.Call =>
                    OcppFrameFields.TryAction(Get(root, "Action"), "Action", out var action, out error) &&
                    OcppFrameFields.TryPayload(Get(root, "Payload"), "Payload", out var payload, out error)
                        ? new OcppCall(id, action, payload) { RawText = rawText() }
                        : null,
                OcppMessageType.CallResult =>
                    OcppFrameFields.TryPayload(Get(root, "Payload"), "Payload", out var result, out error)
                        ? new OcppCallResult(id, result) { RawText = rawText() }
                        : null,
                _ =>
                    OcppFrameFields.TryString(Get(root, "ErrorCode"), "ErrorCode", out var code, out error) &&
                    OcppFrameFields.TryString(Get(root, "ErrorDescription"), "ErrorDescription", out var description, out error)
                        ? new OcppCallError(id, code, description, ErrorDetails(root)) { RawText = rawText() }
                        : null,
            };
            return frame is not null
                ? new OcppFrameParseResult(frame, null)
                : new OcppFrameParseResult(null, new OcppError(OcppErrorCode.FormationViolation, error, id));
        }
    }

    public static byte[] Serialize(OcppFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("MessageTypeId", (int)frame.MessageType);
            writer.WriteString("UniqueId", frame.UniqueId);
            switch (frame)
            {
                case OcppCall call:
                    writer.WriteString("Action", call.Action);
                    writer.WritePropertyName("Payload");
                    call.Payload.WriteTo(writer);
                    break;
                case OcppCallResult result:
                    writer.WritePropertyName("Payload");
                    result.Payload.WriteTo(writer);
                    break;
                case OcppCallError error:
                    writer.WriteString("ErrorCode", error.ErrorCodeText);
                    writer.WriteString("ErrorDescription", error.ErrorDescription);
                    break;
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement ErrorDetails(JsonElement root) =>
        root.TryGetProperty("ErrorDetails", out var details) && details.ValueKind == JsonValueKind.Object ? details.Clone() : OcppCallError.EmptyObject;

    private static JsonElement Get(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value : default;

    private static OcppFrameParseResult Fail(OcppErrorCode code, string description) => new(null, new OcppError(code, description));
}
