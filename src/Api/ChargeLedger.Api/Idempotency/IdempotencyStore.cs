using Npgsql;

namespace ChargeLedger.Api.Idempotency;

/// <summary>What a request carrying an Idempotency-Key may do.</summary>
public abstract record IdempotencyClaim
{
    private IdempotencyClaim() { }

    /// <summary>First use of the key: run the command, then <see cref="IdempotencyStore.CompleteAsync"/> or release.</summary>
    public sealed record Fresh : IdempotencyClaim;

    public sealed record Replay(int StatusCode, string? Location, string Body) : IdempotencyClaim;

    public sealed record InProgress : IdempotencyClaim;

    /// <summary>The key was first used with another method, path or body.</summary>
    public sealed record Mismatch : IdempotencyClaim;
}

/// <summary>
/// Durable Idempotency-Key records (<c>api_idempotency</c>), scoped per API key. A pending claim left by a crashed
/// request can be taken over after <see cref="AbandonedAfter"/>.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    public async Task<IdempotencyClaim> ClaimAsync(Guid keyId, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using (var claim = dataSource.CreateCommand("""
            INSERT INTO api_idempotency (key_id, idempotency_key, request_hash) VALUES ($1, $2, $3)
            ON CONFLICT (key_id, idempotency_key) DO UPDATE SET request_hash = excluded.request_hash, created_at = now()
                WHERE api_idempotency.status_code IS NULL AND api_idempotency.created_at < now() - $4::interval
            RETURNING 1
            """))
        {
            Add(claim, keyId, idempotencyKey);
            claim.Parameters.Add(new NpgsqlParameter { Value = requestHash });
            claim.Parameters.Add(new NpgsqlParameter { Value = AbandonedAfter });
            if (await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return new IdempotencyClaim.Fresh();
            }
        }
        await using var read = dataSource.CreateCommand(
            "SELECT request_hash, status_code, location, response_body FROM api_idempotency WHERE key_id = $1 AND idempotency_key = $2");
        Add(read, keyId, idempotencyKey);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new IdempotencyClaim.InProgress(); // released between our insert and read: the client may retry
        }
        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim.Mismatch();
        }
        return reader.IsDBNull(1)
            ? new IdempotencyClaim.InProgress()
            : new IdempotencyClaim.Replay(reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
    }

    public async Task CompleteAsync(Guid keyId, string idempotencyKey, int statusCode, string? location, string body, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE api_idempotency SET status_code = $3, location = $4, response_body = $5, completed_at = now()
            WHERE key_id = $1 AND idempotency_key = $2
            """);
        Add(command, keyId, idempotencyKey);
        command.Parameters.Add(new NpgsqlParameter { Value = statusCode });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)location ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = body });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets a pending claim whose request failed, so the client can retry with the same key.</summary>
    public async Task ReleaseAsync(Guid keyId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM api_idempotency WHERE key_id = $1 AND idempotency_key = $2 AND status_code IS NULL");
        Add(command, keyId, idempotencyKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Add(NpgsqlCommand command, Guid keyId, string idempotencyKey)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
    }
}
