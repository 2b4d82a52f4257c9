namespace ChargeLedger.Read.AuditTrail;

/// <summary>Names shared by the audit-trail projection (writer) and its query (reader).</summary>
public static class AuditTrailTables
{
    public const string ProjectionName = "audit_trail";

    public const string Events = "audit_events";

    public static string LiveEvents { get; } = ReadModelSchemas.Live(ProjectionName) + "." + Events;
}
