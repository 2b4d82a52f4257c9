using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>
/// Advisory locks keyed by (purpose, hashtext(projection name)). A session lock held on a dedicated
/// connection makes one process the runner (or the rebuilder) of a projection; the others wait.
/// </summary>
internal sealed class ProjectionLock : IAsyncDisposable
{
    public const int Runner = 0x504A5231;     // "PJR1"
    public const int Rebuilder = 0x504A5232;  // "PJR2"
    public const int Provisioner = 0x504A5233; // "PJR3", transaction-scoped

    private readonly NpgsqlConnection connection;
    private readonly int purpose;
    private readonly string name;

    private ProjectionLock(NpgsqlConnection connection, int purpose, string name)
    {
        this.connection = connection;
        this.purpose = purpose;
        this.name = name;
    }

    public static async Task<ProjectionLock?> TryAcquireAsync(NpgsqlDataSource dataSource, int purpose, string name, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, hashtext($2))", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = purpose });
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return new ProjectionLock(connection, purpose, name);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Takes the transaction-scoped lock that serializes creating and swapping a projection's schemas.</summary>
    public static async Task LockForTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Provisioner });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, hashtext($2))", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = purpose });
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // A broken connection has already lost its session, and with it the lock.
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
