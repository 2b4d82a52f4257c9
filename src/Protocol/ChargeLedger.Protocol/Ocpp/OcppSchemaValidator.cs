using System.Reflection;
using System.Text.Json;
using ChargeLedger.Protocol.Ocpp.Schemas;

namespace ChargeLedger.Protocol.Ocpp;

/// <summary>
/// Validates OCPP 1.6 payloads against the official JSON schemas (shipped as an embedded resource, taken from the
/// MIT-licensed ocpp-rpc 2.2.1 package). A violation is mapped to the OCPP-J error code the spec describes:
/// wrong JSON type → TypeConstraintViolation; missing required field or too few items → OccurenceConstraintViolation;
/// a field the message does not define → FormationViolation; a value outside enum/length/range/format →
/// PropertyConstraintViolation; an unknown action → NotImplemented. The description names the JSON path.
/// </summary>
public sealed class OcppSchemaValidator
{
    private const string ResourceName = "ChargeLedger.Protocol.Ocpp.Schemas.ocpp1_6.json";
    private readonly Dictionary<string, SchemaNode> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaNode> _responses = new(StringComparer.Ordinal);

    private OcppSchemaValidator()
    {
        using var stream = typeof(OcppSchemaValidator).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var document = JsonDocument.Parse(stream);
        foreach (var schema in document.RootElement.EnumerateArray())
        {
            // "$id": "urn:Authorize.req" / "urn:Authorize.conf"
            var id = schema.GetProperty("$id").GetString()!;
            var name = id["urn:".Length..];
            var node = SchemaNode.Compile(schema, schema);
            if (name.EndsWith(".req", StringComparison.Ordinal))
            {
                _requests[name[..^4]] = node;
            }
            else if (name.EndsWith(".conf", StringComparison.Ordinal))
            {
                _responses[name[..^5]] = node;
            }
        }
    }

    /// <summary>The validator over the shipped schemas (compiled once).</summary>
    public static OcppSchemaValidator Default { get; } = new();

    /// <summary>Actions the OCPP 1.6 schemas define (core, smart charging, firmware, security extensions).</summary>
    public IReadOnlyCollection<string> Actions => _requests.Keys;

    public bool IsKnownAction(string action) => _requests.ContainsKey(action);

    /// <summary>Validates a CALL payload; null when valid.</summary>
    public OcppError? ValidateRequest(string action, JsonElement payload, string? uniqueId = null) =>
        Validate(_requests, action, payload, uniqueId, "request");

    /// <summary>Validates a CALLRESULT payload for the action of the CALL it answers; null when valid.</summary>
    public OcppError? ValidateResponse(string action, JsonElement payload, string? uniqueId = null) =>
        Validate(_responses, action, payload, uniqueId, "response");

    private static OcppError? Validate(Dictionary<string, SchemaNode> schemas, string action, JsonElement payload, string? uniqueId, string kind)
    {
        if (!schemas.TryGetValue(action, out var schema))
        {
            return new OcppError(OcppErrorCode.NotImplemented, $"'{action}' is not an OCPP 1.6 action", uniqueId);
        }
        var violation = Check(schema, payload);
        return violation is null ? null : new OcppError(violation.Code, $"{action} {kind}: ${violation.Path} {violation.Problem}", uniqueId);
    }

    /// <summary>A violation with its JSON path below the payload, built only on failure (valid messages allocate no paths).</summary>
    private sealed record Violation(OcppErrorCode Code, string Path, string Problem)
    {
        public Violation Under(string segment) => this with { Path = segment + Path };
    }

    private static Violation? Check(SchemaNode node, JsonElement value)
    {
        if (node.Types.Length > 0 && !HasAnyType(value, node.Types))
        {
            return Error(OcppErrorCode.TypeConstraintViolation, "", $"must be {string.Join(" or ", node.Types)}, was {OcppFrameFields.Describe(value)}");
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return CheckObject(node, value);
            case JsonValueKind.Array:
                return CheckArray(node, value);
            case JsonValueKind.String:
                return CheckString(node, value.GetString()!);
            case JsonValueKind.Number:
                return CheckNumber(node, value);
            default:
                return null;
        }
    }

    private static Violation? CheckObject(SchemaNode node, JsonElement value)
    {
        foreach (var required in node.Required)
        {
            if (!value.TryGetProperty(required, out _))
            {
                return Error(OcppErrorCode.OccurenceConstraintViolation, "." + required, "is required but missing");
            }
        }
        foreach (var property in value.EnumerateObject())
        {
            if (node.Properties is not null && node.Properties.TryGetValue(property.Name, out var child))
            {
                if (Check(child, property.Value) is { } violation)
                {
                    return violation.Under("." + property.Name);
                }
            }
            else if (!node.AdditionalProperties)
            {
                return Error(OcppErrorCode.FormationViolation, "." + property.Name, "is not a field of this message");
            }
        }
        return null;
    }

    private static Violation? CheckArray(SchemaNode node, JsonElement value)
    {
        var length = value.GetArrayLength();
        if (node.MinItems is { } min && length < min)
        {
            return Error(OcppErrorCode.OccurenceConstraintViolation, "", $"needs at least {min} item(s), has {length}");
        }
        if (node.MaxItems is { } max && length > max)
        {
            return Error(OcppErrorCode.OccurenceConstraintViolation, "", $"allows at most {max} item(s), has {length}");
        }
        if (node.Items is null)
        {
            return null;
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (Check(node.Items, item) is { } violation)
            {
                return violation.Under($"[{index}]");
            }
            index++;
        }
        return null;
    }

    private static Violation? CheckString(SchemaNode node, string text)
    {
        if (node.Enum is not null && !node.Enum.Contains(text))
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"\"{Shorten(text)}\" is not one of {string.Join(", ", node.Enum)}");
        }
        if (node.MaxLength is { } maxLength && text.Length > maxLength)
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"is {text.Length} characters long, at most {maxLength} allowed");
        }
        return node.Format switch
        {
            "date-time" when !OcppDateTime.TryParse(text, out _) =>
                Error(OcppErrorCode.PropertyConstraintViolation, "", $"\"{Shorten(text)}\" is not an ISO 8601 date-time with Z or an offset"),
            "uri" when !Uri.TryCreate(text, UriKind.Absolute, out _) =>
                Error(OcppErrorCode.PropertyConstraintViolation, "", $"\"{Shorten(text)}\" is not an absolute URI"),
            _ => null,
        };
    }

    private static Violation? CheckNumber(SchemaNode node, JsonElement value)
    {
        if (!value.TryGetDecimal(out var number))
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"{Shorten(value.GetRawText())} is out of range");
        }
        if (node.Minimum is { } minimum && number < minimum)
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"{number} is below the minimum {minimum}");
        }
        if (node.Maximum is { } maximum && number > maximum)
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"{number} is above the maximum {maximum}");
        }
        if (node.MultipleOf is { } step && number % step != 0)
        {
            return Error(OcppErrorCode.PropertyConstraintViolation, "", $"{number} is not a multiple of {step}");
        }
        return null;
    }

    private static bool HasAnyType(JsonElement value, string[] types)
    {
        foreach (var type in types)
        {
            if (HasType(value, type))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
        _ => false,
    };

    // Stricter than draft-07 (which counts 5.0 as an integer): OCPP integers are 32-bit on every implementation and
    // a payload that passes here must also deserialize into the typed records.
    private static bool IsInteger(JsonElement value) => value.TryGetInt32(out _);

    private static Violation Error(OcppErrorCode code, string path, string problem) => new(code, path, problem);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
