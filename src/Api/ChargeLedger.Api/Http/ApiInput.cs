using System.Globalization;
using System.Text;
using ChargeLedger.Api.Problems;
using ChargeLedger.EventStore;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Api.Http;

/// <summary>Reads query, route and body values; anything malformed throws <see cref="ApiInputException"/> naming the field.</summary>
public static class ApiInput
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ApiInputException(field, $"'{field}' is required.") : value.Trim();

    public static Instant? Instant(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var parsed = InstantPattern.ExtendedIso.Parse(value.Trim());
        return parsed.Success
            ? parsed.Value
            : throw new ApiInputException(field, $"'{value}' is not an ISO 8601 instant (e.g. 2026-11-21T10:00:00Z).");
    }

    public static LocalDate? Date(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var parsed = LocalDatePattern.Iso.Parse(value.Trim());
        return parsed.Success ? parsed.Value : throw new ApiInputException(field, $"'{value}' is not an ISO 8601 date (e.g. 2026-11-21).");
    }

    public static int Limit(int? value, string field = "limit") => value switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw new ApiInputException(field, $"'{field}' must be between 1 and {MaxLimit} (was {value})."),
        { } limit => limit,
    };

    public static int PositiveInt(string? value, string field) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ApiInputException(field, $"'{value}' is not a positive integer.");

    /// <summary>A money amount as a decimal string (a JSON number is accepted too); never negative.</summary>
    public static decimal Amount(string? value, string field)
    {
        var text = Required(value, field);
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
        {
            throw new ApiInputException(field, $"'{text}' is not a decimal amount (e.g. \"12.50\").");
        }
        return amount < 0 ? throw new ApiInputException(field, $"must not be negative (was {text}).") : amount;
    }

    public static Checkpoint Checkpoint(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return EventStore.Checkpoint.Start;
        }
        var parts = value.Split(':');
        return parts.Length == 2
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var transaction)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? new Checkpoint(transaction, position)
                : throw new ApiInputException(field, $"'{value}' is not a checkpoint (the 'next' value of an earlier page, e.g. 1234:567).");
    }

    public static TEnum Enum<TEnum>(string? value, string field) where TEnum : struct, Enum =>
        System.Enum.TryParse<TEnum>(Required(value, field), ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !int.TryParse(value, out _)
            ? parsed
            : throw new ApiInputException(field, $"'{value}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
}

/// <summary>Opaque page cursors: the key of the last item, base64url-encoded so clients do not build them.</summary>
public static class Cursor
{
    public static string Encode(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Decode(string? cursor, string field = "cursor")
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            throw new ApiInputException(field, $"'{cursor}' is not a cursor returned by this API.");
        }
    }
}
