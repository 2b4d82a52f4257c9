using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>Where a batch is applied: the open transaction that will also carry the checkpoint, and the target schema.</summary>
public sealed class ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>The schema holding this copy of the read model (live or a rebuild), a plain identifier.</summary>
    public string Schema { get; } = schema;

    /// <summary>A table of this copy, schema-qualified.</summary>
    public string Table(string name) => Schema + "." + name;

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);
}
