using ChargeLedger.Domain.Billing;

namespace ChargeLedger.Domain.Sites;

/// <summary>Site and group ids become stream ids and URL segments: short, printable, without spaces.</summary>
public static class ScopeIds
{
    public const int MaxLength = 100;

    public static string Check(string? id, string field)
    {
        if (string.IsNullOrWhiteSpace(id))
            throw new CommandRejectedException(field, "is required");
        if (id.Length > MaxLength || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
            throw new CommandRejectedException(field, $"'{id}' must be at most {MaxLength} characters without spaces, control characters or '/'");
        return id;
    }

    public static string Name(string? name) =>
        string.IsNullOrWhiteSpace(name) ? throw new CommandRejectedException("name", "is required") : name.Trim();
}
