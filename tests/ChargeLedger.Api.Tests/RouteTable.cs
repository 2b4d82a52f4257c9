namespace ChargeLedger.Api.Tests;

/// <summary>Every protected route with the audiences allowed to call it (admin is allowed everywhere): the access contract.</summary>
public static class RouteTable
{
    public sealed record Route(string Method, string Path, params string[] Audiences);

    public static IReadOnlyList<Route> All { get; } =
    [
        new("GET", "/events", "auditor"),
        new("GET", "/audit/streams/chargepoint-x/verify", "auditor"),
        new("POST", "/charge-points/cp-x/commands/Reset", "support"),
        new("GET", "/charge-points/cp-x/commands/c-x", "support"),
        new("POST", "/complaints", "support"),
        new("POST", "/complaints/c-x/notes", "support"),
        new("POST", "/complaints/c-x/resolution", "support"),
        new("POST", "/id-tags", "support"),
        new("POST", "/id-tags/TAG-X/block", "support"),
        new("POST", "/tariffs", "billing"),
        new("GET", "/admin/projections"),
        new("GET", "/charge-points", "support"),
        new("GET", "/charge-points/cp-x", "support"),
        new("GET", "/transactions", "support", "billing", "auditor"),
        new("GET", "/transactions/1", "support", "billing", "auditor"),
        new("GET", "/transactions/1/meter-values", "support", "billing", "auditor"),
        new("GET", "/transactions/1/trail", "auditor", "support"),
        new("GET", "/audit/energy?chargePointId=cp-x&date=2026-11-21", "auditor", "billing"),
        new("GET", "/ledger/accounts/customer:x/entries", "billing", "auditor"),
        new("GET", "/ledger/accounts/customer:x/balance", "billing", "auditor"),
        new("GET", "/billing/cdrs", "billing", "auditor"),
        new("GET", "/complaints/c-x", "support", "billing"),
        new("POST", "/charge-points/cp-x/tariff-assignments", "billing"),
        new("GET", "/charge-points/cp-x/tariff-assignments", "billing", "auditor"),
        new("POST", "/sites", "billing"),
        new("GET", "/sites/site-x", "billing", "auditor"),
        new("POST", "/sites/site-x/tariff-assignments", "billing"),
        new("POST", "/sites/site-x/charge-points", "billing"),
        new("POST", "/charge-point-groups", "billing"),
        new("GET", "/charge-point-groups/group-x", "billing", "auditor"),
        new("POST", "/charge-point-groups/group-x/tariff-assignments", "billing"),
        new("POST", "/charge-point-groups/group-x/charge-points", "billing"),
        new("POST", "/charge-point-groups/group-x/departures", "billing"),
        new("GET", "/charge-points/cp-x/memberships", "billing", "auditor"),
        new("GET", "/charge-points/cp-x/tariff-resolution", "billing", "auditor"),
    ];

    /// <summary>Callers that are not any role: no key, an unknown key, a malformed Authorization header.</summary>
    public static IReadOnlyList<string> Strangers { get; } = ["(none)", "(unknown key)", "(malformed header)"];

    public static IEnumerable<object[]> Cases() =>
        from route in All
        from role in Strangers.Concat(["auditor", "billing", "support", "admin"])
        select new object[] { route.Method, route.Path, role, role is "admin" || route.Audiences.Contains(role) };
}
