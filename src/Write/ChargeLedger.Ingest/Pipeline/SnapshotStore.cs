using ChargeLedger.Domain.ChargePoints;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Snapshots of <c>chargepoint-{cid}</c> states in <c>ingest_snapshots</c> (schema/0310): a cold load starts from the
/// latest one and reads only the events after it. A snapshot is a cache of a fold of immutable events: a missing,
/// stale or foreign-shaped one only costs a longer read, never a wrong state.
/// </summary>
public sealed class SnapshotStore(NpgsqlDataSource dataSource, int every = SnapshotStore.DefaultEvery)
{
    public const int DefaultEvery = 256;

    /// <summary>Events between two snapshots of a stream.</summary>
    public int Every { get; } = every > 0 ? every : throw new ArgumentOutOfRangeException(nameof(every));

    public static bool Covers(string streamId) => streamId.StartsWith("chargepoint-", StringComparison.Ordinal);

    /// <summary>True when appending <paramref name="appended"/> events that end at <paramref name="lastVersion"/> crossed a snapshot boundary.</summary>
    public bool IsDue(string streamId, long lastVersion, int appended) =>
        Covers(streamId) && appended > 0 && (lastVersion + 1) / Every != (lastVersion + 1 - appended) / Every;

    public async Task<Dictionary<string, VersionedState>> LoadAsync(IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, VersionedState>(StringComparer.Ordinal);
        var ids = streamIds.Where(Covers).ToArray();
        if (ids.Length == 0)
        {
            return found;
        }

        await using var command = dataSource.CreateCommand("SELECT stream_id, version, state FROM ingest_snapshots WHERE stream_id = ANY(@ids) AND shape = @shape");
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("shape", ChargePointSnapshot.Shape);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ChargePointSnapshot.Deserialize(reader.GetFieldValue<byte[]>(2)) is { } state)
                {
                    found[reader.GetString(0)] = new VersionedState(reader.GetInt64(1), state);
                }
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A database not yet migrated to schema/0310: fold from the events, as before snapshots existed.
        }

        return found;
    }

    /// <summary>Stores the states (charge point streams only); an older snapshot never replaces a newer one.</summary>
    public async Task SaveAsync(IReadOnlyCollection<(string StreamId, VersionedState State)> snapshots, CancellationToken cancellationToken)
    {
        var due = snapshots.Where(s => Covers(s.StreamId) && s.State.State is ChargePointState).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO ingest_snapshots (stream_id, version, shape, state)
            SELECT s.stream_id, s.version, @shape, s.state FROM unnest(@ids, @versions, @states) AS s(stream_id, version, state)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, shape = excluded.shape, state = excluded.state, updated_at = now()
            WHERE ingest_snapshots.version < excluded.version OR ingest_snapshots.shape <> excluded.shape
            """);
        command.Parameters.AddWithValue("shape", ChargePointSnapshot.Shape);
        command.Parameters.AddWithValue("ids", due.Select(s => s.StreamId).ToArray());
        command.Parameters.AddWithValue("versions", due.Select(s => s.State.Version).ToArray());
        command.Parameters.Add(new NpgsqlParameter("states", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = due.Select(s => ChargePointSnapshot.Serialize((ChargePointState)s.State.State)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
