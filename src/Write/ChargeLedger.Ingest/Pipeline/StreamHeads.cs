using Npgsql;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// The current version of many streams in one round trip (the store's <c>streams</c> table), so streams others may
/// change (idTags, blocked through the API) are re-read only when they did change, not on every batch.
/// </summary>
public sealed class StreamHeads(NpgsqlDataSource dataSource)
{
    /// <summary>Versions of the streams that exist; absent ones have no events.</summary>
    public async Task<Dictionary<string, long>> VersionsAsync(IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (streamIds.Count == 0)
        {
            return versions;
        }

        await using var command = dataSource.CreateCommand("SELECT stream_id, version FROM streams WHERE stream_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", streamIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}
