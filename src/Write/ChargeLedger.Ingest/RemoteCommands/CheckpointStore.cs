using System.Globalization;
using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Ingest.RemoteCommands;

/// <summary>Named log positions in <c>ingest_checkpoints</c>.</summary>
public sealed class CheckpointStore(NpgsqlDataSource dataSource)
{
    public async Task<Checkpoint> LoadAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT transaction_id, position FROM ingest_checkpoints WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Checkpoint(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1))
            : Checkpoint.Start;
    }

    public async Task SaveAsync(string name, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO ingest_checkpoints (name, transaction_id, position) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.TransactionId.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Position });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
