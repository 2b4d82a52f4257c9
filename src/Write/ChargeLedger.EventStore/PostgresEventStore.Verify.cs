using System.Text;
using Npgsql;

namespace ChargeLedger.EventStore;

public sealed partial class PostgresEventStore
{
    public async Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the events and the stream head, so a concurrent append cannot look like tampering.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var expectedVersion = 0L;
        var previous = EventHash.Genesis;
        await using (var command = new NpgsqlCommand(
            "SELECT stream_version, event_id, type, data::text, metadata::text, hash FROM events WHERE stream_id = $1 ORDER BY stream_version",
            connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = streamId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var version = reader.GetInt64(0);
                if (version != expectedVersion)
                {
                    return Broken(streamId, expectedVersion, $"version {expectedVersion} is missing (next stored version is {version})");
                }
                byte[] hash;
                try
                {
                    hash = EventHash.Compute(
                        previous, streamId, version, reader.GetGuid(1), reader.GetString(2),
                        CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(reader.GetString(3)), "data"),
                        CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(reader.GetString(4)), "metadata"));
                }
                catch (InvalidEventException e)
                {
                    return Broken(streamId, version, e.Message);
                }
                if (!hash.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(5)))
                {
                    return Broken(streamId, version, "stored hash does not match the event's content and the previous link");
                }
                previous = hash;
                expectedVersion++;
            }
        }
        await using (var head = new NpgsqlCommand("SELECT version, last_hash FROM streams WHERE stream_id = $1", connection, transaction))
        {
            head.Parameters.Add(new NpgsqlParameter { Value = streamId });
            await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var lastVersion = expectedVersion - 1;
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return lastVersion < 0
                    ? new ChainVerification(streamId, 0, true, null, null)
                    : Broken(streamId, 0, "events exist but the stream row is missing");
            }
            var headVersion = reader.GetInt64(0);
            if (headVersion != lastVersion)
            {
                return Broken(streamId, Math.Min(headVersion, lastVersion) + 1, $"the stream head says version {headVersion} but the events end at {lastVersion}");
            }
            if (!previous.AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(1)))
            {
                return Broken(streamId, lastVersion, "the stream head's hash differs from the last event's hash");
            }
        }
        return new ChainVerification(streamId, expectedVersion, true, null, null);

        ChainVerification Broken(string stream, long version, string reason) =>
            new(stream, expectedVersion, false, version, reason);
    }
}
