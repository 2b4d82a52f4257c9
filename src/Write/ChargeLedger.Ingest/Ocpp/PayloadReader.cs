using System.Globalization;
using System.Text.Json;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>
/// Typed, schema-checked access to one OCPP payload object: required/optional fields, JSON types, string lengths,
/// enumerations and no unknown properties (the 1.6 schemas forbid additional properties). Violations throw
/// <see cref="PayloadException"/> with the OCPP-J error code.
/// </summary>
public readonly ref struct PayloadReader
{
    private readonly JsonElement element;
    private readonly string path;

    private PayloadReader(JsonElement element, string path, IReadOnlySet<string> allowed)
    {
        this.element = element;
        this.path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException(OcppErrorCodes.TypeConstraintViolation, $"{path} must be an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw new PayloadException(OcppErrorCodes.FormationViolation, $"{path}.{property.Name} is not allowed");
            }
        }
    }

    public static PayloadReader Of(JsonElement element, string path, IReadOnlySet<string> allowed) => new(element, path, allowed);

    public string RequiredString(string name, int maxLength) =>
        OptionalString(name, maxLength) ?? throw Missing(name);

    public string? OptionalString(string name, int maxLength)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new PayloadException(OcppErrorCodes.TypeConstraintViolation, $"{path}.{name} must be a string");
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            throw new PayloadException(OcppErrorCodes.PropertyConstraintViolation, $"{path}.{name} is longer than {maxLength} characters");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL jsonb cannot store U+0000; such a value is refused here rather than half-stored.
            throw new PayloadException(OcppErrorCodes.PropertyConstraintViolation, $"{path}.{name} contains U+0000");
        }

        return text;
    }

    public string RequiredEnum(string name, IReadOnlySet<string> values) =>
        OptionalEnum(name, values) ?? throw Missing(name);

    public string? OptionalEnum(string name, IReadOnlySet<string> values)
    {
        var text = OptionalString(name, int.MaxValue);
        if (text is not null && !values.Contains(text))
        {
            throw new PayloadException(OcppErrorCodes.PropertyConstraintViolation, $"{path}.{name} '{text}' is not an allowed value");
        }

        return text;
    }

    public int RequiredInt(string name) => OptionalInt(name) ?? throw Missing(name);

    public int? OptionalInt(string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new PayloadException(OcppErrorCodes.TypeConstraintViolation, $"{path}.{name} must be an integer");
        }

        return number;
    }

    public Instant RequiredTime(string name) => OptionalTime(name) ?? throw Missing(name);

    public Instant? OptionalTime(string name)
    {
        var text = OptionalString(name, 64);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            || text.Length < 10 || text[4] != '-')
        {
            throw new PayloadException(OcppErrorCodes.PropertyConstraintViolation, $"{path}.{name} '{text}' is not an ISO 8601 date-time");
        }

        return Instant.FromDateTimeOffset(time);
    }

    public JsonElement.ArrayEnumerator RequiredArray(string name, int minItems) =>
        OptionalArray(name, minItems) ?? throw Missing(name);

    public JsonElement.ArrayEnumerator? OptionalArray(string name, int minItems)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new PayloadException(OcppErrorCodes.TypeConstraintViolation, $"{path}.{name} must be an array");
        }

        if (value.GetArrayLength() < minItems)
        {
            throw new PayloadException(OcppErrorCodes.OccurenceConstraintViolation, $"{path}.{name} needs at least {minItems} item(s)");
        }

        return value.EnumerateArray();
    }

    private PayloadException Missing(string name) =>
        new(OcppErrorCodes.OccurenceConstraintViolation, $"{path}.{name} is required");
}
