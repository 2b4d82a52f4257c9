namespace ChargeLedger.Read.LiveStatus;

/// <summary>Names shared by the live-status projection (writer) and its query (reader).</summary>
public static class LiveStatusTables
{
    public const string ProjectionName = "live_status";

    public const string ChargePoints = "charge_points";

    public const string Connectors = "connectors";

    public static string LiveChargePoints { get; } = ReadModelSchemas.Live(ProjectionName) + "." + ChargePoints;

    public static string LiveConnectors { get; } = ReadModelSchemas.Live(ProjectionName) + "." + Connectors;
}
