using ChargeLedger.Domain.Serialization;
using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.AuditTrail;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// An index over the log for audit trails: one row per event with its device time, the charge point, transaction,
/// connector and idTag it concerns, and the frame we sent for it. The event's own columns (data, raw frame, topic,
/// OCPP message id, hash) are copied from the event table of the same database in the same statement, so the
/// batch's JSON never travels back to the server.
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    public string Name => AuditTrailTables.ProjectionName;

    public int Version => 1;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{AuditTrailTables.Events} (
            position        bigint      PRIMARY KEY,
            stream_id       text        NOT NULL,
            stream_version  bigint      NOT NULL,
            type            text        NOT NULL,
            occurred_at     timestamptz NOT NULL,  -- device time when known, else received, else recorded
            recorded_at     timestamptz NOT NULL,
            received_at     timestamptz,
            data            jsonb       NOT NULL,
            raw             text,                  -- the MQTT payload as received ("base64:" prefix when not UTF-8)
            topic           text,
            ocpp_message_id text,
            hash            bytea       NOT NULL,
            charge_point_id text,
            transaction_id  integer,               -- a transaction of ours the event concerns
            connector_id    integer,
            id_tag          text,                  -- upper case (OCPP idTags are case-insensitive)
            sent            jsonb);                -- the OCPP frame the Central System sent for this event
        CREATE INDEX ON {schema}.{AuditTrailTables.Events} (transaction_id, occurred_at) WHERE transaction_id IS NOT NULL;
        CREATE INDEX ON {schema}.{AuditTrailTables.Events} (charge_point_id, occurred_at);
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT position::text AS key,
               concat_ws(' ', stream_id, stream_version, type, occurred_at, charge_point_id, transaction_id, connector_id, id_tag, md5(sent::text), encode(hash, 'hex')) AS value
        FROM {schema}.{AuditTrailTables.Events}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // Events the domain does not know (yet) are indexed too, with what the store knows about them.
        var rows = batch.Select(e => AuditFacts.Of(e, EventSerializer.Deserialize(e.Type, e.Data.Span))).ToList();
        await using var command = context.CreateCommand($"""
            INSERT INTO {context.Table(AuditTrailTables.Events)}
                (position, stream_id, stream_version, type, occurred_at, recorded_at, received_at, data, raw, topic, ocpp_message_id, hash,
                 charge_point_id, transaction_id, connector_id, id_tag, sent)
            SELECT e.position, e.stream_id, e.stream_version, e.type, u.occurred_at, e.recorded_at, u.received_at, e.data,
                   e.metadata->>'raw', e.metadata->>'topic', e.metadata->>'ocppMessageId', e.hash,
                   u.charge_point_id, u.transaction_id, u.connector_id, u.id_tag, u.sent::jsonb
            FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::integer[], $6::integer[], $7::text[], $8::text[])
                AS u(position, occurred_at, received_at, charge_point_id, transaction_id, connector_id, id_tag, sent)
            JOIN events e ON e.position = u.position
            """);
        command.Longs(rows, r => r.Position)
            .Times(rows, r => r.OccurredAt)
            .Times(rows, r => r.ReceivedAt)
            .Texts(rows, r => r.ChargePointId)
            .Ints(rows, r => r.TransactionId)
            .Ints(rows, r => r.ConnectorId)
            .Texts(rows, r => r.IdTag)
            .Texts(rows, r => r.Sent);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
