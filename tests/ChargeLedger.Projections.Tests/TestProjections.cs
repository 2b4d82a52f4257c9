using System.Collections.Concurrent;
using ChargeLedger.EventStore;
using NpgsqlTypes;

namespace ChargeLedger.Projections.Tests;

/// <summary>
/// Copies every event's position into a table without a key, so a double application shows up as a duplicate
/// and a lost event as a gap. <see cref="FailAfterWrite"/> throws after the rows are written but before the
/// runtime commits, like a crash between the read-model write and the checkpoint.
/// </summary>
internal sealed class PositionLogProjection(string name = "position_log", int version = 1) : IProjection
{
    private int failuresLeft;

    public string Name { get; } = name;

    public int Version { get; } = version;

    public int Applications;

    public void FailAfterWrite(int times) => failuresLeft = times;

    /// <summary>Makes every batch fail until reset, like a projection with a bug.</summary>
    public bool AlwaysFail { get; set; }

    /// <summary>While set, batches for a rebuild copy wait on it, so a test can observe a rebuild in progress.</summary>
    public TaskCompletionSource? RebuildGate { get; set; }

    public bool ReadsMetadata { get; init; } = true;

    /// <summary>Per event applied: whether to a rebuild copy, and the metadata's source as the batch carried it.</summary>
    public ConcurrentQueue<(bool Rebuild, string? Source)> MetadataSeen { get; } = new();

    public string CreateTablesSql(string schema) =>
        $"CREATE TABLE {schema}.applied (position bigint NOT NULL, stream_id text NOT NULL, type text NOT NULL)";

    public string ComparisonSql(string schema) =>
        $"SELECT stream_id AS key, count(*) || ' ' || max(position) AS value FROM {schema}.applied GROUP BY stream_id";

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        if (AlwaysFail)
        {
            throw new InvalidOperationException("projection bug");
        }
        if (RebuildGate is { } gate && context.Schema.StartsWith("rebuild_", StringComparison.Ordinal))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        var rebuild = context.Schema.StartsWith("rebuild_", StringComparison.Ordinal);
        foreach (var e in batch)
        {
            MetadataSeen.Enqueue((rebuild, e.Metadata.Source));
        }
        await using var command = context.CreateCommand(
            $"INSERT INTO {context.Table("applied")} SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])");
        command.Parameters.Add(new() { Value = batch.Select(e => e.Position).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = batch.Select(e => e.StreamId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = batch.Select(e => e.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Increment(ref Applications);
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            throw new InvalidOperationException("crash after the read-model write, before the commit");
        }
    }
}
