using System.Text.Json;

namespace ChargeLedger.Protocol.Ocpp.Schemas;

/// <summary>
/// One compiled JSON-schema node, limited to the draft-07 keywords the OCPP 1.6 schemas use: type, properties,
/// required, additionalProperties, enum, maxLength, minimum/maximum, multipleOf, items, minItems, format, $ref.
/// </summary>
internal sealed class SchemaNode
{
    public string[] Types { get; private init; } = [];

    public Dictionary<string, SchemaNode>? Properties { get; private init; }

    public string[] Required { get; private init; } = [];

    public bool AdditionalProperties { get; private init; } = true;

    public HashSet<string>? Enum { get; private init; }

    public int? MaxLength { get; private init; }

    public decimal? Minimum { get; private init; }

    public decimal? Maximum { get; private init; }

    public decimal? MultipleOf { get; private init; }

    public SchemaNode? Items { get; private set; }

    public int? MinItems { get; private init; }

    public int? MaxItems { get; private init; }

    public string? Format { get; private init; }

    public static SchemaNode Compile(JsonElement schema, JsonElement root)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Compile(Resolve(reference.GetString()!, root), root);
        }
        return new SchemaNode
        {
            Types = schema.TryGetProperty("type", out var type)
                ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!]
                : [],
            Properties = schema.TryGetProperty("properties", out var properties)
                ? properties.EnumerateObject().ToDictionary(p => p.Name, p => Compile(p.Value, root), StringComparer.Ordinal)
                : null,
            Required = schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToArray() : [],
            AdditionalProperties = !schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False,
            Enum = schema.TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal) : null,
            MaxLength = schema.TryGetProperty("maxLength", out var maxLength) ? maxLength.GetInt32() : null,
            Minimum = schema.TryGetProperty("minimum", out var minimum) ? minimum.GetDecimal() : null,
            Maximum = schema.TryGetProperty("maximum", out var maximum) ? maximum.GetDecimal() : null,
            MultipleOf = schema.TryGetProperty("multipleOf", out var multipleOf) ? multipleOf.GetDecimal() : null,
            Items = schema.TryGetProperty("items", out var items) ? Compile(items, root) : null,
            MinItems = schema.TryGetProperty("minItems", out var minItems) ? minItems.GetInt32() : null,
            MaxItems = schema.TryGetProperty("maxItems", out var maxItems) ? maxItems.GetInt32() : null,
            Format = schema.TryGetProperty("format", out var format) ? format.GetString() : null,
        };
    }

    private static JsonElement Resolve(string reference, JsonElement root)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Only local $ref is supported, not '{reference}'.");
        }
        var node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }
        return node;
    }
}
