using System.Globalization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Read.Transactions;

/// <summary>Reads the transactions read model: sessions with anomalies, their meter readings in device-time order, orphan stops.</summary>
public sealed class TransactionsQuery(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        transaction_id, charge_point_id, connector_id, id_tag, id_tag_status, started_at, start_received_at, stopped_at, stop_received_at,
        meter_start_wh, meter_stop_wh, energy_wh, status, stop_reason, stop_id_tag, start_position, stop_position
        """;

    public async Task<TransactionView?> GetAsync(int transactionId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("transaction_id = $1", [DbValues.Int(transactionId)], 1, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>A page in transaction-id order after the cursor <paramref name="afterTransactionId"/> (the last id of the previous page).</summary>
    public Task<IReadOnlyList<TransactionView>> ListAsync(TransactionFilter filter, int? afterTransactionId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            """
            ($1::integer IS NULL OR transaction_id > $1) AND ($2::text IS NULL OR charge_point_id = $2)
            AND ($3::text IS NULL OR upper(id_tag) = upper($3))
            AND ($4::timestamptz IS NULL OR started_at >= $4) AND ($5::timestamptz IS NULL OR started_at < $5)
            """,
            [DbValues.Int(afterTransactionId), DbValues.Text(filter.ChargePointId), DbValues.Text(filter.IdTag), DbValues.Time(filter.From), DbValues.Time(filter.To)],
            limit, cancellationToken);
    }

    /// <summary>Every reading of the session in device-time order (late, offline-queued messages sort where they belong).</summary>
    public async Task<IReadOnlyList<MeterReading>> MeterValuesAsync(int transactionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT position, stream_version, sample_index, connector_id, source, device_time, received_at, measurand, context, phase,
                   location, unit, format, raw_value, number, energy_wh
            FROM {TransactionsTables.LiveMeterValues} WHERE transaction_id = $1
            ORDER BY device_time, position, sample_index
            """);
        command.Parameters.Add(DbValues.Int(transactionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var readings = new List<MeterReading>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var format = reader.GetString(12);
            var raw = reader.GetString(13);
            readings.Add(new MeterReading(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                reader.Instant(5), reader.Instant(6), reader.GetString(7), reader.GetString(8), reader.TextOrNull(9),
                reader.GetString(10), reader.GetString(11), format, raw,
                reader.DecimalOrNull(14), reader.Int64OrNull(15),
                format == "SignedData" ? raw : null));
        }
        return readings;
    }

    /// <summary>Orphan stops of a charge point whose device stop time falls in [from, to).</summary>
    public async Task<IReadOnlyList<OrphanStop>> OrphanStopsAsync(string chargePointId, Instant from, Instant to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT position, charge_point_id, transaction_id, orphan_reason, meter_stop_wh, stopped_at, received_at, id_tag, stop_reason, sample_count
            FROM {TransactionsTables.LiveOrphanStops}
            WHERE charge_point_id = $1 AND stopped_at >= $2 AND stopped_at < $3
            ORDER BY stopped_at, position
            """);
        command.Parameters.Add(DbValues.Text(chargePointId));
        command.Parameters.Add(DbValues.Time(from));
        command.Parameters.Add(DbValues.Time(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stops = new List<OrphanStop>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stops.Add(new OrphanStop(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4),
                reader.Instant(5), reader.Instant(6), reader.TextOrNull(7), reader.TextOrNull(8), reader.GetInt32(9)));
        }
        return stops;
    }

    private async Task<IReadOnlyList<TransactionView>> QueryAsync(string where, NpgsqlParameter[] parameters, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<TransactionView>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM {TransactionsTables.LiveTransactions}
            WHERE {where} ORDER BY transaction_id LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
            """, connection))
        {
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var energy = reader.Int64OrNull(11);
                rows.Add(new TransactionView(
                    reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    reader.Instant(5), reader.Instant(6), reader.InstantOrNull(7), reader.InstantOrNull(8),
                    reader.GetInt64(9), reader.Int64OrNull(10), energy, energy / 1000m,
                    reader.GetString(12), reader.TextOrNull(13), reader.TextOrNull(14), reader.GetInt64(15), reader.Int64OrNull(16),
                    []));
            }
        }
        if (rows.Count == 0)
        {
            return rows;
        }
        var anomalies = await AnomaliesAsync(connection, [.. rows.Select(r => r.TransactionId)], cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => anomalies.TryGetValue(r.TransactionId, out var list) ? r with { Anomalies = list } : r)];
    }

    private static async Task<Dictionary<int, List<TransactionAnomaly>>> AnomaliesAsync(NpgsqlConnection connection, int[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT transaction_id, position, kind, detail, reading_wh, reference_wh, device_time, received_at
            FROM {TransactionsTables.LiveAnomalies} WHERE transaction_id = ANY($1) ORDER BY position
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var byTransaction = new Dictionary<int, List<TransactionAnomaly>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetInt32(0);
            if (!byTransaction.TryGetValue(id, out var list))
            {
                byTransaction.Add(id, list = []);
            }
            list.Add(new TransactionAnomaly(
                reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.Int64OrNull(4),
                reader.Int64OrNull(5), reader.InstantOrNull(6), reader.Instant(7)));
        }
        return byTransaction;
    }





}
