namespace ChargeLedger.Read.EnergyAudit;

/// <summary>Names shared by the energy-audit projection (writer) and its query (reader).</summary>
public static class EnergyAuditTables
{
    public const string ProjectionName = "energy_audit";

    public const string Readings = "energy_readings";

    public const string Sessions = "energy_sessions";

    public static string LiveReadings { get; } = ReadModelSchemas.Live(ProjectionName) + "." + Readings;

    public static string LiveSessions { get; } = ReadModelSchemas.Live(ProjectionName) + "." + Sessions;
}
