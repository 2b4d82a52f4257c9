using System.Globalization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Read.LiveStatus;

/// <summary>Reads the live-status read model. Online/offline is computed at <c>now</c> from last traffic, connection notices and the heartbeat interval.</summary>
public sealed class LiveStatusQuery(NpgsqlDataSource dataSource, LiveStatusOptions? options = null)
{
    private readonly LiveStatusOptions options = options ?? new LiveStatusOptions();

    private const string Columns = """
        charge_point_id, last_seen_at, last_device_time, last_message_type, heartbeat_interval_seconds, vendor, model, firmware_version,
        charge_point_serial_number, charge_box_serial_number, meter_type, meter_serial_number, iccid, imsi, registration_status,
        last_boot_at, last_connected_at, last_disconnected_at, disconnect_reason, connect_detail
        """;

    // Offline after HeartbeatMultiple × interval without traffic ($1 = now, $2 = multiple, $3 = default interval).
    private static readonly string OnlineSql = $"""
        ((last_disconnected_at IS NULL OR last_seen_at > last_disconnected_at)
         AND last_seen_at + make_interval(secs => coalesce(nullif(heartbeat_interval_seconds, 0), $3) * $2) > $1)
        """;

    public async Task<ChargePointStatus?> GetAsync(string chargePointId, Instant now, CancellationToken cancellationToken)
    {
        var page = await QueryAsync("charge_point_id = $4", [DbValues.Text(chargePointId)], 1, now, cancellationToken).ConfigureAwait(false);
        return page.Count == 0 ? null : page[0];
    }

    /// <summary>A page in charge-point-id order after the cursor <paramref name="afterChargePointId"/> (the last id of the previous page).</summary>
    public Task<IReadOnlyList<ChargePointStatus>> ListAsync(ChargePointFilter filter, string? afterChargePointId, int limit, Instant now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var where = $"""
            ($4::text IS NULL OR charge_point_id > $4)
            AND ($5::boolean IS NULL OR coalesce({OnlineSql}, false) = $5)
            AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM {LiveStatusTables.LiveConnectors} k
                                             WHERE k.charge_point_id = c.charge_point_id AND k.status = $6))
            """;
        return QueryAsync(where, [DbValues.Text(afterChargePointId), DbValues.Bool(filter.Online), DbValues.Text(filter.ConnectorStatus)], limit, now, cancellationToken);
    }

    private async Task<IReadOnlyList<ChargePointStatus>> QueryAsync(string where, NpgsqlParameter[] parameters, int limit, Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<Row>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {Columns}, coalesce({OnlineSql}, false) FROM {LiveStatusTables.LiveChargePoints} c
            WHERE {where}
            ORDER BY charge_point_id
            LIMIT {limit.ToString(CultureInfo.InvariantCulture)}
            """, connection))
        {
            command.Parameters.Add(DbValues.Time(now));
            command.Parameters.Add(DbValues.Int(options.HeartbeatMultiple));
            command.Parameters.Add(DbValues.Int(options.DefaultHeartbeatIntervalSeconds));
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new Row(reader));
            }
        }
        var connectors = await ConnectorsAsync(connection, [.. rows.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToStatus(now, options, connectors.TryGetValue(r.Id, out var list) ? list : []))];
    }

    private static async Task<Dictionary<string, List<ConnectorStatus>>> ConnectorsAsync(NpgsqlConnection connection, string[] ids, CancellationToken cancellationToken)
    {
        var byChargePoint = new Dictionary<string, List<ConnectorStatus>>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return byChargePoint;
        }
        await using var command = new NpgsqlCommand($"""
            SELECT charge_point_id, connector_id, status, error_code, info, vendor_error_code, status_at, transaction_id,
                   power_w, power_at, energy_wh, energy_at, updated_at
            FROM {LiveStatusTables.LiveConnectors} WHERE charge_point_id = ANY($1) ORDER BY charge_point_id, connector_id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var energy = reader.Int64OrNull(10);
            var connector = new ConnectorStatus(
                reader.GetInt32(1), reader.TextOrNull(2), reader.TextOrNull(3), reader.TextOrNull(4), reader.TextOrNull(5), reader.InstantOrNull(6),
                reader.Int32OrNull(7),
                reader.DecimalOrNull(8), reader.InstantOrNull(9),
                energy, energy / 1000m, reader.InstantOrNull(11), reader.Instant(12));
            var id = reader.GetString(0);
            if (!byChargePoint.TryGetValue(id, out var list))
            {
                byChargePoint.Add(id, list = []);
            }
            list.Add(connector);
        }
        return byChargePoint;
    }




    /// <summary>A charge point row as stored; online and its reason are derived at the query's instant.</summary>
    private sealed class Row(NpgsqlDataReader reader)
    {
        public string Id { get; } = reader.GetString(0);

        private readonly Instant? lastSeen = reader.InstantOrNull(1);
        private readonly Instant? lastDeviceTime = reader.InstantOrNull(2);
        private readonly string? lastMessageType = reader.TextOrNull(3);
        private readonly int? interval = reader.Int32OrNull(4);
        private readonly string? vendor = reader.TextOrNull(5);
        private readonly string? model = reader.TextOrNull(6);
        private readonly string? firmwareVersion = reader.TextOrNull(7);
        private readonly string? chargePointSerialNumber = reader.TextOrNull(8);
        private readonly string? chargeBoxSerialNumber = reader.TextOrNull(9);
        private readonly string? meterType = reader.TextOrNull(10);
        private readonly string? meterSerialNumber = reader.TextOrNull(11);
        private readonly string? iccid = reader.TextOrNull(12);
        private readonly string? imsi = reader.TextOrNull(13);
        private readonly string? registrationStatus = reader.TextOrNull(14);
        private readonly Instant? lastBootAt = reader.InstantOrNull(15);
        private readonly Instant? connectedAt = reader.InstantOrNull(16);
        private readonly Instant? disconnectedAt = reader.InstantOrNull(17);
        private readonly string? disconnectReason = reader.TextOrNull(18);
        private readonly string? connectDetail = reader.TextOrNull(19);
        private readonly bool online = reader.GetBoolean(20);

        public ChargePointStatus ToStatus(Instant now, LiveStatusOptions options, IReadOnlyList<ConnectorStatus> connectors)
        {
            var seconds = interval is > 0 ? interval.Value : options.DefaultHeartbeatIntervalSeconds;
            var offlineAfter = lastSeen + Duration.FromSeconds((long)seconds * options.HeartbeatMultiple);
            var reason = lastSeen is null ? "never seen: no message from this charge point yet"
                : disconnectedAt >= lastSeen ? $"disconnected at {disconnectedAt}: {disconnectReason ?? "no reason given"}"
                : now >= offlineAfter ? $"no traffic since {lastSeen} (offline after {options.HeartbeatMultiple} x {seconds} s heartbeat interval)"
                : connectedAt == lastSeen ? $"connected at {connectedAt}{(connectDetail is { } detail ? ": " + detail : "")}"
                : $"last message {lastMessageType} at {lastSeen}";
            return new ChargePointStatus(
                Id, online, reason, lastSeen, lastDeviceTime, lastMessageType, offlineAfter, interval,
                vendor, model, firmwareVersion, chargePointSerialNumber, chargeBoxSerialNumber, meterType, meterSerialNumber, iccid, imsi, registrationStatus,
                lastBootAt, connectedAt, disconnectedAt, disconnectReason, connectors);
        }
    }
}
