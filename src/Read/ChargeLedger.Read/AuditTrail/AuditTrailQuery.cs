using NodaTime;
using Npgsql;

namespace ChargeLedger.Read.AuditTrail;

/// <summary>Audit trails from the audit index: of a transaction, or of a charge point (optionally one idTag) in a time window.</summary>
public sealed class AuditTrailQuery(NpgsqlDataSource dataSource)
{
    // The index row (a) with its event (e) from the store: the index holds only what the trail selects and orders by.
    private const string Columns = """
        a.position, e.stream_id, e.stream_version, a.type, a.occurred_at, e.recorded_at, a.received_at, e.data::text,
        e.metadata->>'raw', e.metadata->>'topic', e.metadata->>'ocppMessageId',
        encode(e.hash, 'hex'), a.charge_point_id, a.transaction_id, a.connector_id, a.sent::text
        """;

    // Charge-point events that matter to any session in the window; status changes and authorizations are filtered further.
    private const string ChargePointTypes =
        "'ChargePointBooted', 'ChargePointConnected', 'ChargePointDisconnected', 'MessageRejected', 'RemoteCommandRequested', " +
        "'RemoteCommandSent', 'RemoteCommandReplied', 'RemoteCommandFailed', 'RemoteCommandTimedOut'";

    /// <summary>
    /// The transaction's own events (its stream, its id assignment and connector release), and in its window (start − lead to
    /// stop + lag; open-ended while active) the charge point's boots, connection notices, rejected messages, remote commands,
    /// status changes of its connector (and connector 0), authorizations of its idTag and orphan events. Null for an unknown transaction.
    /// </summary>
    public async Task<Trail?> ForTransactionAsync(int transactionId, TrailOptions? options, CancellationToken cancellationToken)
    {
        options ??= TrailOptions.Default;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        string chargePointId;
        int connectorId;
        string? idTag;
        Instant from;
        Instant? to;
        await using (var bounds = new NpgsqlCommand($"""
            SELECT s.charge_point_id, s.connector_id, s.id_tag, s.occurred_at,
                   (SELECT max(occurred_at) FROM {AuditTrailTables.LiveEvents} e WHERE e.transaction_id = $1),
                   EXISTS (SELECT 1 FROM {AuditTrailTables.LiveEvents} e WHERE e.transaction_id = $1 AND e.type = 'TransactionStopped')
            FROM {AuditTrailTables.LiveEvents} s
            WHERE s.transaction_id = $1 AND s.type = 'TransactionStarted'
            """, connection))
        {
            bounds.Parameters.Add(DbValues.Int(transactionId));
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            chargePointId = reader.GetString(0);
            connectorId = reader.GetInt32(1);
            idTag = reader.IsDBNull(2) ? null : reader.GetString(2);
            from = reader.Instant(3) - options.Lead;
            to = reader.GetBoolean(5) ? reader.Instant(4) + options.Lag : null;
        }
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}
            FROM (SELECT position FROM {AuditTrailTables.LiveEvents} WHERE transaction_id = $1
                  UNION
                  SELECT position FROM {AuditTrailTables.LiveEvents}
                  WHERE charge_point_id = $2 AND occurred_at >= $3 AND ($4::timestamptz IS NULL OR occurred_at <= $4)
                    AND (type IN ({ChargePointTypes})
                         OR type = 'ConnectorStatusReported' AND connector_id IN ($5, 0)
                         OR type = 'AuthorizationAnswered' AND id_tag = $6
                         OR type = 'HeartbeatReceived' AND $7
                         OR stream_id = 'orphans-' || $2)) trail
            JOIN {AuditTrailTables.LiveEvents} a ON a.position = trail.position
            JOIN events e ON e.position = trail.position
            ORDER BY a.occurred_at, a.position
            """, connection);
        command.Parameters.Add(DbValues.Int(transactionId));
        command.Parameters.Add(DbValues.Text(chargePointId));
        command.Parameters.Add(DbValues.Time(from));
        command.Parameters.Add(DbValues.Time(to));
        command.Parameters.Add(DbValues.Int(connectorId));
        command.Parameters.Add(DbValues.Text(idTag));
        command.Parameters.Add(DbValues.Bool(options.IncludeHeartbeats));
        return await ReadTrailAsync(command, from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Everything of a charge point whose device time falls in [from, to): with an idTag, only that idTag's authorizations and
    /// transactions (plus the charge point's own boots, notices, status changes, rejections and orphans).
    /// </summary>
    public async Task<Trail> ForChargePointAsync(string chargePointId, string? idTag, Instant from, Instant to, bool includeHeartbeats, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM {AuditTrailTables.LiveEvents} a JOIN events e ON e.position = a.position
            WHERE a.charge_point_id = $1 AND a.occurred_at >= $2 AND a.occurred_at < $3
              AND (a.type <> 'HeartbeatReceived' OR $5)
              AND ($4::text IS NULL
                   OR (a.type <> 'AuthorizationAnswered' OR a.id_tag = upper($4))
                      AND (a.transaction_id IS NULL OR a.transaction_id IN (
                           SELECT s.transaction_id FROM {AuditTrailTables.LiveEvents} s
                           WHERE s.charge_point_id = $1 AND s.type = 'TransactionStarted' AND s.id_tag = upper($4))))
            ORDER BY a.occurred_at, a.position
            """);
        command.Parameters.Add(DbValues.Text(chargePointId));
        command.Parameters.Add(DbValues.Time(from));
        command.Parameters.Add(DbValues.Time(to));
        command.Parameters.Add(DbValues.Text(idTag));
        command.Parameters.Add(DbValues.Bool(includeHeartbeats));
        return await ReadTrailAsync(command, from, to, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Trail> ReadTrailAsync(NpgsqlCommand command, Instant? from, Instant? to, CancellationToken cancellationToken)
    {
        var events = new List<TrailEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new TrailEvent(
                    reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                    reader.Instant(4), reader.Instant(5),
                    reader.InstantOrNull(6),
                    reader.GetString(7), reader.TextOrNull(8), reader.TextOrNull(9), reader.TextOrNull(10), reader.GetString(11), reader.TextOrNull(12),
                    reader.Int32OrNull(13), reader.Int32OrNull(14), reader.TextOrNull(15)));
            }
        }
        var streams = events.Select(e => e.StreamId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new Trail(from, to, events, streams);
    }



}
