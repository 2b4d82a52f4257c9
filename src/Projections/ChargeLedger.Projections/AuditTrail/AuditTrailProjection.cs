using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.AuditTrail;
using NpgsqlTypes;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// An index over the log for audit trails: one row per event with its device time, the charge point, transaction,
/// connector and idTag it concerns, and the frame we sent for it. The event's own columns (data, raw frame, topic, OCPP
/// message id, hash) are not copied: the trail query reads them from the store's event by position, so a rebuild writes
/// a fifth of the bytes and the server parses no event JSON.
/// </summary>
public sealed class AuditTrailProjection : IProjection
{
    public string Name => AuditTrailTables.ProjectionName;

    public int Version => 3;

    public bool DefersIndexesOnRebuild => true;

    // Fixed-width columns first: no alignment padding between them.
    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{AuditTrailTables.Events} (
            position        bigint      NOT NULL,  -- the store's event, whose data, metadata and hash the trail shows
            occurred_at     timestamptz NOT NULL,  -- device time when known, else received, else recorded
            received_at     timestamptz,
            transaction_id  integer,               -- a transaction of ours the event concerns
            connector_id    integer,
            stream_id       text        NOT NULL,
            type            text        NOT NULL,
            charge_point_id text,
            id_tag          text,                  -- upper case (OCPP idTags are case-insensitive)
            sent            json);                 -- the OCPP frame the Central System sent for this event
        CREATE UNIQUE INDEX ON {schema}.{AuditTrailTables.Events} (position);  -- an index, not a constraint: a rebuild builds it after loading
        CREATE INDEX ON {schema}.{AuditTrailTables.Events} (transaction_id, occurred_at) WHERE transaction_id IS NOT NULL;
        CREATE INDEX ON {schema}.{AuditTrailTables.Events} (charge_point_id, occurred_at);
        """;

    // A 64-bit hash of the row's binary values instead of its text: formatting a million timestamps and sorting the
    // wide values was most of the comparison's time. Hashing the row (not a concatenation) keeps each value in its place
    // and a null apart from an empty string; a changed row goes unnoticed only on a 64-bit collision.
    public string ComparisonSql(string schema) => $"""
        SELECT position::text AS key,
               hash_record_extended((stream_id, type, occurred_at, received_at, charge_point_id, transaction_id, connector_id, id_tag, sent::text), 0) AS value
        FROM {schema}.{AuditTrailTables.Events}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // The batch is decoded in chunks on the other cores while the rows before them stream to the server, so decoding
        // overlaps the server's inserts instead of preceding them. Events the domain does not know (yet) are indexed
        // too, with what the store knows about them. JSON goes to the server as the UTF-8 bytes it already is.
        var decoded = DecodeAhead.Start(batch, AuditFacts.Of, cancellationToken);
        await CopyRows.WriteAsync(context, AuditTrailTables.Events,
            "position, occurred_at, received_at, transaction_id, connector_id, stream_id, type, charge_point_id, id_tag, sent",
            batch,
            async (w, e, ct) =>
            {
                var facts = await decoded.NextAsync().ConfigureAwait(false);
                await w.ColumnAsync(e.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.OccurredAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ReceivedAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.TransactionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ConnectorId, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.StreamId, ct).ConfigureAwait(false);
                await w.ColumnAsync(e.Type, ct).ConfigureAwait(false);
                await w.ColumnAsync(facts.ChargePointId, ct).ConfigureAwait(false);
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
