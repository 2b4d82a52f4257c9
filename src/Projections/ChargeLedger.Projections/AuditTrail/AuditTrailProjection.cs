using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.AuditTrail;
using NpgsqlTypes;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// An index over the log for audit trails: one row per event with its device time, the charge point, transaction,
/// connector and idTag it concerns, and the frame we sent for it. The event's own columns (data, raw frame, topic,
/// OCPP message id, hash) are the stored event's, written with the index columns in one binary COPY per batch.
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    public string Name => AuditTrailTables.ProjectionName;

    public int Version => 2;

    public bool DefersIndexesOnRebuild => true;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{AuditTrailTables.Events} (
            position        bigint      NOT NULL,
            stream_id       text        NOT NULL,
            stream_version  bigint      NOT NULL,
            type            text        NOT NULL,
            occurred_at     timestamptz NOT NULL,  -- device time when known, else received, else recorded
            recorded_at     timestamptz NOT NULL,
            received_at     timestamptz,
            data            json        NOT NULL,  -- json, not jsonb: the trail is read back whole, so the server only checks it
            raw             text,                  -- the MQTT payload as received ("base64:" prefix when not UTF-8)
            topic           text,
            ocpp_message_id text,
            hash            bytea       NOT NULL,
            charge_point_id text,
            transaction_id  integer,               -- a transaction of ours the event concerns
            connector_id    integer,
            id_tag          text,                  -- upper case (OCPP idTags are case-insensitive)
            sent            json);                 -- the OCPP frame the Central System sent for this event
        CREATE UNIQUE INDEX ON {schema}.{AuditTrailTables.Events} (position);  -- an index, not a constraint: a rebuild builds it after loading
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
        // The batch is decoded in chunks on the other cores while the rows before them stream to the server, so decoding
        // overlaps the server's inserts instead of preceding them. Events the domain does not know (yet) are indexed
        // too, with what the store knows about them. JSON goes to the server as the UTF-8 bytes it already is.
        var decoded = DecodeAhead.Start(batch, AuditFacts.Of, cancellationToken);
        await CopyRows.WriteAsync(context, AuditTrailTables.Events,
            "position, stream_id, stream_version, type, occurred_at, recorded_at, received_at, data, raw, topic, ocpp_message_id, hash, " +
            "charge_point_id, transaction_id, connector_id, id_tag, sent",
            batch,
            async (w, e, ct) =>
            {
                var facts = await decoded.NextAsync().ConfigureAwait(false);
                await w.ColumnAsync(e.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.StreamId, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.StreamVersion, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.Type, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.OccurredAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.RecordedAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ReceivedAt, ct).ConfigureAwait(false);
                await w.WriteAsync(e.Data, NpgsqlDbType.Json, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.Metadata.Raw, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.Metadata.Topic, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.Metadata.OcppMessageId, ct).ConfigureAwait(false);
                await w.WriteAsync(e.Hash, NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ChargePointId, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.TransactionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ConnectorId, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.IdTag, ct).ConfigureAwait(false);
                if (facts.Sent is { } sent)
                {
                    await w.WriteAsync(sent, NpgsqlDbType.Json, ct).ConfigureAwait(false);
                }
                else
                {
                    await w.WriteNullAsync(ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }
}
