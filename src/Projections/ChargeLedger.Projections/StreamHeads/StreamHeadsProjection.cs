using ChargeLedger.EventStore;
using ChargeLedger.Read.StreamHeads;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Projections.StreamHeads;

/// <summary>
/// Per stream of the log: how many events, the last version and position, the last event's type and when the
/// stream was first and last written. Each batch becomes one multi-row upsert.
/// </summary>
public sealed class StreamHeadsProjection : IProjection
{
    public string Name => StreamHeadsTables.ProjectionName;

    public int Version => 1;

    /// <summary>Reads nothing of an event's metadata.</summary>
    public bool ReadsMetadata => false;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{StreamHeadsTables.Table} (
            stream_id         text        PRIMARY KEY,
            event_count       bigint      NOT NULL,
            last_version      bigint      NOT NULL,
            first_position    bigint      NOT NULL,
            last_position     bigint      NOT NULL,
            last_event_type   text        NOT NULL,
            first_recorded_at timestamptz NOT NULL,
            last_recorded_at  timestamptz NOT NULL)
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT stream_id AS key, concat_ws(' ', event_count, last_version, first_position, last_position, last_event_type) AS value
        FROM {schema}.{StreamHeadsTables.Table}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var heads = new Dictionary<string, Head>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (heads.TryGetValue(e.StreamId, out var head))
            {
                head.Count++;
                if (e.StreamVersion > head.Last.StreamVersion)
                {
                    head.Last = e;
                }
            }
            else
            {
                heads.Add(e.StreamId, new Head(e));
            }
        }
        var n = heads.Count;
        var ids = new string[n];
        var counts = new long[n];
        var versions = new long[n];
        var firstPositions = new long[n];
        var lastPositions = new long[n];
        var types = new string[n];
        var firstRecorded = new DateTime[n];
        var lastRecorded = new DateTime[n];
        var i = 0;
        foreach (var (id, head) in heads)
        {
            ids[i] = id;
            counts[i] = head.Count;
            versions[i] = head.Last.StreamVersion;
            firstPositions[i] = head.First.Position;
            lastPositions[i] = head.Last.Position;
            types[i] = head.Last.Type;
            firstRecorded[i] = head.First.RecordedAt.ToDateTimeUtc();
            lastRecorded[i] = head.Last.RecordedAt.ToDateTimeUtc();
            i++;
        }
        var table = context.Table(StreamHeadsTables.Table);
        await using var command = context.CreateCommand($"""
            INSERT INTO {table} AS h
                (stream_id, event_count, last_version, first_position, last_position, last_event_type, first_recorded_at, last_recorded_at)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::timestamptz[])
            ON CONFLICT (stream_id) DO UPDATE SET
                event_count = h.event_count + excluded.event_count,
                last_version = greatest(h.last_version, excluded.last_version),
                last_position = CASE WHEN excluded.last_version > h.last_version THEN excluded.last_position ELSE h.last_position END,
                last_event_type = CASE WHEN excluded.last_version > h.last_version THEN excluded.last_event_type ELSE h.last_event_type END,
                last_recorded_at = greatest(h.last_recorded_at, excluded.last_recorded_at)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = counts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = firstPositions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = lastPositions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = firstRecorded, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = lastRecorded, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Head(RecordedEvent first)
    {
        public RecordedEvent First { get; } = first;

        public RecordedEvent Last { get; set; } = first;

        public long Count { get; set; } = 1;
    }
}
