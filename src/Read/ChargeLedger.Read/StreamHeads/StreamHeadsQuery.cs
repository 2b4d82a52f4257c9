using NodaTime;
using Npgsql;

namespace ChargeLedger.Read.StreamHeads;

/// <summary>Reads the stream-heads read model: one stream, or a page of streams in stream-id order.</summary>
public sealed class StreamHeadsQuery(NpgsqlDataSource dataSource)
{
    private static readonly string Columns =
        "stream_id, event_count, last_version, first_position, last_position, last_event_type, first_recorded_at, last_recorded_at";

    public async Task<StreamHead?> GetAsync(string streamId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM {StreamHeadsTables.LiveTable} WHERE stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Streams whose id starts with <paramref name="prefix"/>, after the cursor <paramref name="afterStreamId"/>.</summary>
    public async Task<IReadOnlyList<StreamHead>> ListAsync(string prefix, string? afterStreamId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM {StreamHeadsTables.LiveTable}
            WHERE starts_with(stream_id, $1) AND ($2::text IS NULL OR stream_id > $2)
            ORDER BY stream_id
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterStreamId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var heads = new List<StreamHead>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            heads.Add(Read(reader));
        }
        return heads;
    }

    /// <summary>How many streams and events the read model has seen.</summary>
    public async Task<(long Streams, long Events)> TotalsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*), coalesce(sum(event_count), 0)::bigint FROM {StreamHeadsTables.LiveTable}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static StreamHead Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetInt64(3),
        reader.GetInt64(4),
        reader.GetString(5),
        Instant.FromDateTimeUtc(reader.GetDateTime(6)),
        Instant.FromDateTimeUtc(reader.GetDateTime(7)));
}
