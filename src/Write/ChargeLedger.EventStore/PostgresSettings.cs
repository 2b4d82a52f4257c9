using Npgsql;

namespace ChargeLedger.EventStore;

/// <summary>The PostgreSQL connection every host shares: <c>CHARGELEDGER_PG</c>, defaulting to the project's own server.</summary>
public sealed record PostgresSettings(string ConnectionString)
{
    public const string EnvironmentVariable = "CHARGELEDGER_PG";

    public const string DefaultConnectionString =
        "Host=127.0.0.1;Port=54329;Username=chargeledger;Password=chargeledger;Database=chargeledger";

    public static PostgresSettings FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new PostgresSettings(string.IsNullOrWhiteSpace(value) ? DefaultConnectionString : value);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);
}
