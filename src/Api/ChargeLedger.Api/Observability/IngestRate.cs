using Npgsql;

namespace ChargeLedger.Api.Observability;

/// <summary>Events appended per second over the last minute, counted from the store (newest positions first).</summary>
public sealed class IngestRate(NpgsqlDataSource dataSource)
{
    public const int WindowSeconds = 60;

    // Only the newest 500,000 positions are looked at, so the query stays cheap on a long log (rates above
    // ~8,000 events/s read as that ceiling).
    public async Task<double> EventsPerSecondAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT count(*) FROM events
            WHERE position > (SELECT coalesce(max(position), 0) FROM events) - 500000
              AND recorded_at > now() - interval '{WindowSeconds} seconds'
            """);
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return count / (double)WindowSeconds;
    }
}
