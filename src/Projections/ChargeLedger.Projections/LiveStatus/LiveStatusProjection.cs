using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.LiveStatus;

namespace ChargeLedger.Projections.LiveStatus;

/// <summary>
/// What each charge point and connector is doing now. A batch is folded in memory into one change per charge point
/// and per connector, then written with one insert of new keys and one update per table. Online/offline is not
/// stored: the query derives it from the last traffic, the connection notices and the heartbeat interval.
/// </summary>
public sealed class LiveStatusProjection : IProjection
{
    public string Name => LiveStatusTables.ProjectionName;

    public int Version => 1;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{LiveStatusTables.ChargePoints} (
            charge_point_id            text        PRIMARY KEY,
            vendor                     text,
            model                      text,
            firmware_version           text,
            charge_point_serial_number text,
            charge_box_serial_number   text,
            meter_type                 text,
            meter_serial_number        text,
            iccid                      text,
            imsi                       text,
            registration_status        text,
            heartbeat_interval_seconds integer,
            last_boot_at               timestamptz,
            last_seen_at               timestamptz,  -- received time of the last message from the charge point
            last_device_time           timestamptz,  -- device time of that message, when it carried one
            last_message_type          text,
            last_connected_at          timestamptz,
            connect_detail             text,
            last_disconnected_at       timestamptz,
            disconnect_reason          text,
            last_position              bigint      NOT NULL);
        CREATE TABLE {schema}.{LiveStatusTables.Connectors} (
            charge_point_id   text        NOT NULL,
            connector_id      integer     NOT NULL,
            status            text,
            error_code        text,
            info              text,
            vendor_error_code text,
            status_at         timestamptz,
            transaction_id    integer,
            power_w           numeric,
            power_at          timestamptz,
            energy_wh         bigint,
            energy_at         timestamptz,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (charge_point_id, connector_id));
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT 'cp:' || charge_point_id AS key,
               concat_ws(' ', vendor, model, firmware_version, registration_status, heartbeat_interval_seconds, last_boot_at, last_seen_at,
                         last_connected_at, last_disconnected_at) AS value
        FROM {schema}.{LiveStatusTables.ChargePoints}
        UNION ALL
        SELECT 'connector:' || charge_point_id || '/' || connector_id,
               concat_ws(' ', status, error_code, transaction_id, power_w, energy_wh, energy_at)
        FROM {schema}.{LiveStatusTables.Connectors}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var fold = new LiveStatusFold();
        foreach (var decoded in DecodedEvent.Decode(batch))
        {
            fold.Apply(decoded);
        }
        if (fold.ChargePoints.Count > 0)
        {
            await WriteChargePointsAsync(fold.ChargePoints.Values, context, cancellationToken).ConfigureAwait(false);
        }
        if (fold.Connectors.Count > 0)
        {
            await WriteConnectorsAsync(fold.Connectors.Values, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteChargePointsAsync(ICollection<ChargePointChange> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        var table = context.Table(LiveStatusTables.ChargePoints);
        await using (var insert = context.CreateCommand($"""
            INSERT INTO {table} (charge_point_id, last_position)
            SELECT id, 0 FROM unnest($1::text[]) AS id
            ON CONFLICT (charge_point_id) DO NOTHING
            """))
        {
            await insert.Texts(rows, r => r.ChargePointId).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var command = context.CreateCommand($"""
            UPDATE {table} AS c SET
                vendor = CASE WHEN u.booted THEN u.vendor ELSE c.vendor END,
                model = CASE WHEN u.booted THEN u.model ELSE c.model END,
                firmware_version = CASE WHEN u.booted THEN u.firmware ELSE c.firmware_version END,
                charge_point_serial_number = CASE WHEN u.booted THEN u.cp_serial ELSE c.charge_point_serial_number END,
                charge_box_serial_number = CASE WHEN u.booted THEN u.box_serial ELSE c.charge_box_serial_number END,
                meter_type = CASE WHEN u.booted THEN u.meter_type ELSE c.meter_type END,
                meter_serial_number = CASE WHEN u.booted THEN u.meter_serial ELSE c.meter_serial_number END,
                iccid = CASE WHEN u.booted THEN u.iccid ELSE c.iccid END,
                imsi = CASE WHEN u.booted THEN u.imsi ELSE c.imsi END,
                registration_status = CASE WHEN u.booted THEN u.registration ELSE c.registration_status END,
                heartbeat_interval_seconds = CASE WHEN u.booted THEN u.interval ELSE c.heartbeat_interval_seconds END,
                last_boot_at = CASE WHEN u.booted THEN u.boot_at ELSE c.last_boot_at END,
                last_device_time = CASE WHEN u.seen_at >= c.last_seen_at OR c.last_seen_at IS NULL THEN coalesce(u.device_time, c.last_device_time) ELSE c.last_device_time END,
                last_message_type = CASE WHEN u.seen_at >= c.last_seen_at OR c.last_seen_at IS NULL THEN coalesce(u.message_type, c.last_message_type) ELSE c.last_message_type END,
                last_seen_at = greatest(c.last_seen_at, u.seen_at),
                last_connected_at = coalesce(u.connected_at, c.last_connected_at),
                connect_detail = CASE WHEN u.connected_at IS NULL THEN c.connect_detail ELSE u.connect_detail END,
                last_disconnected_at = coalesce(u.disconnected_at, c.last_disconnected_at),
                disconnect_reason = CASE WHEN u.disconnected_at IS NULL THEN c.disconnect_reason ELSE u.disconnect_reason END,
                last_position = u.position
            FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[], $12::text[], $13::integer[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[],
                        $17::text[], $18::timestamptz[], $19::text[], $20::timestamptz[], $21::text[], $22::bigint[])
                AS u(id, booted, vendor, model, firmware, cp_serial, box_serial, meter_type, meter_serial, iccid, imsi, registration,
                     interval, boot_at, seen_at, device_time, message_type, connected_at, connect_detail, disconnected_at, disconnect_reason, position)
            WHERE c.charge_point_id = u.id
            """);
        command.Texts(rows, r => r.ChargePointId)
            .Bools(rows, r => r.Boot is not null)
            .Texts(rows, r => r.Boot?.Vendor)
            .Texts(rows, r => r.Boot?.Model)
            .Texts(rows, r => r.Boot?.FirmwareVersion)
            .Texts(rows, r => r.Boot?.ChargePointSerialNumber)
            .Texts(rows, r => r.Boot?.ChargeBoxSerialNumber)
            .Texts(rows, r => r.Boot?.MeterType)
            .Texts(rows, r => r.Boot?.MeterSerialNumber)
            .Texts(rows, r => r.Boot?.Iccid)
            .Texts(rows, r => r.Boot?.Imsi)
            .Texts(rows, r => r.Boot?.Status.ToString())
            .Ints(rows, r => r.Boot?.IntervalSeconds)
            .Times(rows, r => r.Boot?.ReceivedAt)
            .Times(rows, r => r.SeenAt)
            .Times(rows, r => r.DeviceTime)
            .Texts(rows, r => r.MessageType)
            .Times(rows, r => r.ConnectedAt)
            .Texts(rows, r => r.ConnectDetail)
            .Times(rows, r => r.DisconnectedAt)
            .Texts(rows, r => r.DisconnectReason)
            .Longs(rows, r => r.Position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteConnectorsAsync(ICollection<ConnectorChange> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        var table = context.Table(LiveStatusTables.Connectors);
        await using (var insert = context.CreateCommand($"""
            INSERT INTO {table} (charge_point_id, connector_id, updated_at)
            SELECT * FROM unnest($1::text[], $2::integer[], $3::timestamptz[])
            ON CONFLICT (charge_point_id, connector_id) DO NOTHING
            """))
        {
            await insert.Texts(rows, r => r.ChargePointId).Ints(rows, r => r.ConnectorId).Times(rows, r => r.UpdatedAt)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var command = context.CreateCommand($"""
            UPDATE {table} AS c SET
                status = CASE WHEN u.has_status THEN u.status ELSE c.status END,
                error_code = CASE WHEN u.has_status THEN u.error_code ELSE c.error_code END,
                info = CASE WHEN u.has_status THEN u.info ELSE c.info END,
                vendor_error_code = CASE WHEN u.has_status THEN u.vendor_error_code ELSE c.vendor_error_code END,
                status_at = CASE WHEN u.has_status THEN u.status_at ELSE c.status_at END,
                transaction_id = CASE
                    WHEN u.has_transaction THEN u.transaction_id
                    WHEN c.transaction_id = u.released_transaction_id THEN NULL
                    ELSE c.transaction_id END,
                power_w = CASE WHEN u.power_at >= c.power_at OR c.power_at IS NULL AND u.power_at IS NOT NULL THEN u.power_w ELSE c.power_w END,
                power_at = CASE WHEN u.power_at >= c.power_at OR c.power_at IS NULL THEN coalesce(u.power_at, c.power_at) ELSE c.power_at END,
                energy_wh = CASE WHEN u.energy_at >= c.energy_at OR c.energy_at IS NULL AND u.energy_at IS NOT NULL THEN u.energy_wh ELSE c.energy_wh END,
                energy_at = CASE WHEN u.energy_at >= c.energy_at OR c.energy_at IS NULL THEN coalesce(u.energy_at, c.energy_at) ELSE c.energy_at END,
                updated_at = greatest(c.updated_at, u.updated_at)
            FROM unnest($1::text[], $2::integer[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                        $9::boolean[], $10::integer[], $11::integer[], $12::numeric[], $13::timestamptz[], $14::timestamptz[],
                        $15::bigint[], $16::timestamptz[])
                AS u(id, connector_id, has_status, status, error_code, info, vendor_error_code, status_at,
                     has_transaction, transaction_id, released_transaction_id, power_w, power_at, updated_at, energy_wh, energy_at)
            WHERE c.charge_point_id = u.id AND c.connector_id = u.connector_id
            """);
        command.Texts(rows, r => r.ChargePointId)
            .Ints(rows, r => r.ConnectorId)
            .Bools(rows, r => r.Status is not null)
            .Texts(rows, r => r.Status?.Status)
            .Texts(rows, r => r.Status?.ErrorCode)
            .Texts(rows, r => r.Status?.Info)
            .Texts(rows, r => r.Status?.VendorErrorCode)
            .Times(rows, r => r.Status is { } s ? s.DeviceTime ?? s.ReceivedAt : null)
            .Bools(rows, r => r.HasTransaction)
            .Ints(rows, r => r.TransactionId)
            .Ints(rows, r => r.ReleasedTransactionId)
            .Decimals(rows, r => r.Power?.Value)
            .Times(rows, r => r.Power?.At)
            .Times(rows, r => r.UpdatedAt)
            .Longs(rows, r => (long?)r.Energy?.Value)
            .Times(rows, r => r.Energy?.At);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
