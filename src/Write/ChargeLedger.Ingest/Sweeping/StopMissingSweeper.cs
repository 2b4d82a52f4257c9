using System.Globalization;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Pipeline;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Ingest.Sweeping;

/// <summary>
/// Flags transactions left without a stop (<see cref="AnomalyKind.StopMissing"/>). Candidates come from the store's
/// stream table, not from projections: transaction streams whose last append fell in the window that has just become
/// older than the policy's limit since the previous sweep. Each candidate is folded and decided with
/// <see cref="CheckTransactionStop"/> (stopped or already flagged ones yield nothing), so a sweep costs one indexed-free
/// scan of recently idle streams plus one read per candidate.
/// </summary>
public sealed class StopMissingSweeper(IEventStore store, NpgsqlDataSource dataSource, TransactionPolicy policy, IClock clock, Action<string> log)
{
    /// <summary>How far back the first sweep after a start looks (earlier transactions were swept by a previous run).</summary>
    public static readonly Duration FirstLookBack = Duration.FromDays(7);

    private readonly DecisionWriter writer = new(store);
    private Instant? sweptUpTo;

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var flagged = await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
            if (flagged > 0)
            {
                log($"flagged {flagged} transaction(s) without stop");
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>How many transactions were flagged.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var cutoff = now - policy.StopMissingAfter;
        var from = sweptUpTo ?? cutoff - FirstLookBack;
        var candidates = new List<string>();
        await using (var command = dataSource.CreateCommand(
            "SELECT stream_id FROM streams WHERE stream_id LIKE 'transaction-%' AND updated_at > $1 AND updated_at <= $2"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = from.ToDateTimeUtc() });
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToDateTimeUtc() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(reader.GetString(0));
            }
        }

        var flagged = 0;
        foreach (var stream in candidates)
        {
            var transactionId = int.Parse(stream.AsSpan("transaction-".Length), CultureInfo.InvariantCulture);
            flagged += await writer.DecideAsync<TransactionState>(
                stream,
                state => TransactionDecider.Decide(new CheckTransactionStop(transactionId, now), state, policy),
                MessageIdentity.OfName($"stop-missing:{stream}:{now.ToUnixTimeTicks()}"),
                new EventMetadata(Source: "sweeper", ReceivedAt: now),
                cancellationToken).ConfigureAwait(false) > 0 ? 1 : 0;
        }

        sweptUpTo = cutoff;
        return flagged;
    }
}
