namespace ChargeLedger.Read.Transactions;

/// <summary>Names shared by the transactions projection (writer) and its query (reader).</summary>
public static class TransactionsTables
{
    public const string ProjectionName = "transactions";

    public const string Transactions = "transactions";

    public const string Anomalies = "transaction_anomalies";

    public const string MeterValues = "meter_values";

    public const string OrphanStops = "orphan_stops";

    private static readonly string Schema = ReadModelSchemas.Live(ProjectionName);

    public static string LiveTransactions { get; } = Schema + "." + Transactions;

    public static string LiveAnomalies { get; } = Schema + "." + Anomalies;

    public static string LiveMeterValues { get; } = Schema + "." + MeterValues;

    public static string LiveOrphanStops { get; } = Schema + "." + OrphanStops;
}
