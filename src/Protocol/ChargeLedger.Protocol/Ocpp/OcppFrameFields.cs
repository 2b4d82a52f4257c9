using System.Text.Json;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>Checks shared by both frame encodings, each with a message naming the field.</summary>
internal static class OcppFrameFields
{
    public static bool TryMessageType(JsonElement element, out OcppMessageType type, out string error)
    {
        type = default;
        error = string.Empty;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value) || value is < 2 or > 4)
        {
            error = $"MessageTypeId must be 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR), was {Describe(element)}";
            return false;
        }
        type = (OcppMessageType)value;
        return true;
    }

    public static bool TryUniqueId(JsonElement element, string field, out string id, out string error)
    {
        if (!TryString(element, field, out id, out error))
        {
            return false;
        }
        if (id.Length is 0 or > OcppJsonArrayCodec.MaxUniqueIdLength)
        {
            error = $"{field} must be 1 to {OcppJsonArrayCodec.MaxUniqueIdLength} characters, was {id.Length}";
            return false;
        }
        return true;
    }

    public static bool TryAction(JsonElement element, string field, out string action, out string error)
    {
        if (!TryString(element, field, out action, out error))
        {
            return false;
        }
        if (action.Length == 0)
        {
            error = $"{field} is empty";
            return false;
        }
        return true;
    }

    public static bool TryString(JsonElement element, string field, out string value, out string error)
    {
        error = string.Empty;
        if (element.ValueKind != JsonValueKind.String)
        {
            value = string.Empty;
            error = $"{field} must be a string, was {Describe(element)}";
            return false;
        }
        value = element.GetString()!;
        return true;
    }

    public static bool TryPayload(JsonElement element, string field, out JsonElement payload, out string error)
    {
        error = string.Empty;
        payload = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{field} must be a JSON object, was {Describe(element)}";
            return false;
        }
        payload = element.Clone();
        return true;
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "missing",
        JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => $"the number {Shorten(element.GetRawText())}",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
