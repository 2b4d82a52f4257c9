using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>The OCPP-J WebSocket form: <c>[2,id,action,payload]</c>, <c>[3,id,payload]</c>, <c>[4,id,code,description,details]</c>.</summary>
public static class OcppJsonArrayCodec
{
    public const int MaxUniqueIdLength = 36;

    public static OcppFrameParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return Fail(OcppErrorCode.FormationViolation, $"the message is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() < 3)
            {
                return Fail(OcppErrorCode.FormationViolation, "the message must be a JSON array [MessageTypeId, UniqueId, ...]");
            }
            if (!OcppFrameFields.TryMessageType(root[0], out var type, out var typeError))
            {
                return Fail(OcppErrorCode.FormationViolation, typeError);
            }
            if (!OcppFrameFields.TryUniqueId(root[1], "element 1 (UniqueId)", out var id, out var idError))
            {
                return Fail(OcppErrorCode.FormationViolation, idError);
            }
            var length = root.GetArrayLength();
            OcppFrame? frame = null;
            string? error = null;
            switch (type)
            {
                case OcppMessageType.Call when length == 4:
                    frame = OcppFrameFields.TryAction(root[2], "element 2 (Action)", out var action, out error) &&
                        OcppFrameFields.TryPayload(root[3], "element 3 (Payload)", out var callPayload, out error)
                        ? new OcppCall(id, action, callPayload) { RawText = text }
                        : null;
                    break;
                case OcppMessageType.CallResult when length == 3:
                    frame = OcppFrameFields.TryPayload(root[2], "element 2 (Payload)", out var resultPayload, out error)
                        ? new OcppCallResult(id, resultPayload) { RawText = text }
                        : null;
                    break;
                case OcppMessageType.CallError when length == 5:
                    frame = OcppFrameFields.TryString(root[2], "element 2 (ErrorCode)", out var code, out error) &&
                        OcppFrameFields.TryString(root[3], "element 3 (ErrorDescription)", out var description, out error) &&
                        OcppFrameFields.TryPayload(root[4], "element 4 (ErrorDetails)", out var details, out error)
                        ? new OcppCallError(id, code, description, details) { RawText = text }
                        : null;
                    break;
                default:
                    error = $"a {type} frame has {(type == OcppMessageType.Call ? 4 : type == OcppMessageType.CallResult ? 3 : 5)} elements, this one has {length}";
                    break;
            }
            return frame is not null
                ? new OcppFrameParseResult(frame, null)
                : new OcppFrameParseResult(null, new OcppError(OcppErrorCode.FormationViolation, error!, id));
        }
    }

    public static string Serialize(OcppFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue((int)frame.MessageType);
            writer.WriteStringValue(frame.UniqueId);
            switch (frame)
            {
                case OcppCall call:
                    writer.WriteStringValue(call.Action);
                    call.Payload.WriteTo(writer);
                    break;
                case OcppCallResult result:
                    result.Payload.WriteTo(writer);
                    break;
                case OcppCallError error:
                    writer.WriteStringValue(error.ErrorCodeText);
                    writer.WriteStringValue(error.ErrorDescription);
                    error.ErrorDetails.WriteTo(writer);
                    break;
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static OcppFrameParseResult Fail(OcppErrorCode code, string description) => new(null, new OcppError(code, description));
}
