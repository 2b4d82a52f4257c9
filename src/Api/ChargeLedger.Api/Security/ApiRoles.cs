namespace ChargeLedger.Api.Security;

/// <summary>The audiences an API key can belong to; <see cref="Admin"/> may call every route.</summary>
public static class ApiRoles
{
    public const string Auditor = "auditor";
    public const string Billing = "billing";
    public const string Support = "support";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Auditor, Billing, Support, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
