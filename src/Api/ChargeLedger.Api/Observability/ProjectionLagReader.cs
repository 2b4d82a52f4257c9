using Npgsql;

namespace ChargeLedger.Api.Observability;

/// <summary>One projection's live copy: how many events it has not applied, how long the oldest of them has waited, and whether it failed.</summary>
public sealed record ProjectionLagStatus(string Name, long EventsBehind, double SecondsBehind, bool Failed, string? LastError);

/// <summary>
/// Reads every projection's lag with index range scans only (commit order), so it stays cheap on a long log and can
/// run every second: the oldest pending event is the first one after the checkpoint in commit order, and the count
/// stops at <see cref="CountCap"/>.
/// </summary>
public sealed class ProjectionLagReader(NpgsqlDataSource dataSource)
{
    public const long CountCap = 1_000_000;

    private static readonly string Sql = $"""
        SELECT c.projection, c.state = 'failed', c.last_error,
            (SELECT count(*) FROM (SELECT 1 FROM events e
                WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position) LIMIT {CountCap}) pending),
            extract(epoch FROM now() - (SELECT e.recorded_at FROM events e
                WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)
                ORDER BY e.transaction_id, e.position LIMIT 1))::float8
        FROM projection_checkpoints c
        WHERE c.target = 'live'
        ORDER BY c.projection
        """;

    public async Task<IReadOnlyList<ProjectionLagStatus>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var statuses = new List<ProjectionLagStatus>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statuses.Add(new ProjectionLagStatus(
                reader.GetString(0), reader.GetInt64(3), reader.IsDBNull(4) ? 0 : Math.Max(0, reader.GetDouble(4)),
                reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return statuses;
    }
}
