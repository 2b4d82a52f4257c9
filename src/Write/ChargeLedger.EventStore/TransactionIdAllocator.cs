using Npgsql;

namespace ChargeLedger.EventStore;

/// <summary>
/// OCPP transaction ids from the <c>ocpp_transaction_id</c> sequence: positive 32-bit integers, unique across
/// every instance sharing the database. Ids of a rolled-back use are not reused (gaps are harmless).
/// </summary>
public sealed class TransactionIdAllocator(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<int>> NextTransactionIdsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var command = dataSource.CreateCommand("SELECT nextval('ocpp_transaction_id')::integer FROM generate_series(1, $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<int>(count);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt32(0));
        }
        return ids;
    }

    public async Task<int> NextTransactionIdAsync(CancellationToken cancellationToken) =>
        (await NextTransactionIdsAsync(1, cancellationToken).ConfigureAwait(false))[0];
}
