using NodaTime;
using Npgsql;

namespace ChargeLedger.Api.Security;

/// <summary>API keys in PostgreSQL (<c>api_keys</c>): created, listed, revoked, and looked up by the hash of a secret.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "key_id, name, roles, created_at, revoked_at";

    public async Task<CreatedApiKey> CreateAsync(string name, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (roles.Count == 0 || roles.Any(r => !ApiRoles.IsKnown(r)))
        {
            throw new ArgumentException($"Roles must be some of {string.Join(", ", ApiRoles.All)}.", nameof(roles));
        }
        var secret = ApiKeySecret.Generate();
        await using var command = dataSource.CreateCommand($"INSERT INTO api_keys (key_id, name, roles, key_hash) VALUES ($1, $2, $3, $4) RETURNING {Columns}");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = roles.Distinct(StringComparer.Ordinal).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = ApiKeySecret.Hash(secret) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(Read(reader), secret);
    }

    /// <summary>The active key whose secret hashes to <paramref name="hash"/>, or null (unknown or revoked).</summary>
    public async Task<ApiKey?> FindActiveAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = hash });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>True when an active key was revoked by this call.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(Read(reader));
        }
        return keys;
    }

    private static ApiKey Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetFieldValue<string[]>(2),
        Instant.FromDateTimeUtc(reader.GetDateTime(3)),
        reader.IsDBNull(4) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(4)));
}
