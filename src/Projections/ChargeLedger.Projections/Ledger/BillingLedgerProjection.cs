using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Ledger;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// The billing ledger: prices each finished session with the tariff valid at its start (see <see cref="TariffRule"/>),
/// books double-entry posting sets (charges, corrections as reversal + new charge, complaint refunds) and issues OCPI
/// 2.2.1 CDRs (credit CDR + new CDR on a correction). Postings, posting sets and CDRs are append-only rows carrying
/// the position and log time of the event that caused them, so "as of" reads are filters. Refused refunds are rows too.
/// </summary>
public sealed class BillingLedgerProjection(CdrIssuer? issuer = null) : IProjection
{
    private readonly CdrIssuer issuer = issuer ?? CdrIssuer.Default;

    /// <summary>The working set of the rebuild copy this process fills, kept across its batches (see <see cref="RebuildWorkingSet"/>).</summary>
    private RebuildWorkingSet? rebuilding;

    public string Name => LedgerTables.ProjectionName;

    public int Version => 6;

    /// <summary>A rebuild filling its copy from empty keeps the whole ledger in memory (<see cref="RebuildWorkingSet"/>) and reads nothing back.</summary>
    public bool DefersIndexesOnRebuild => true;

    /// <summary>Reads nothing of an event's metadata.</summary>
    public bool ReadsMetadata => false;

    // The tables a rebuild only ever inserts into carry unique indexes, not primary keys or unique constraints: the
    // same guarantee live, and a rebuild builds them once after loading (DefersIndexesOnRebuild) instead of row by row.
    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{LedgerTables.PostingSets} (
            posting_set_id   text        NOT NULL,
            session_id       text        NOT NULL,
            kind             text        NOT NULL,
            currency         text        NOT NULL,
            reference        text,
            source_positions bigint[]    NOT NULL,
            position         bigint      NOT NULL,   -- the event that caused the booking
            recorded_at      timestamptz NOT NULL,   -- its log time
            booked_at        timestamptz NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.PostingSets} (posting_set_id);
        CREATE INDEX ON {schema}.{LedgerTables.PostingSets} (session_id);
        CREATE TABLE {schema}.{LedgerTables.Postings} (
            position         bigint      NOT NULL,
            line_no          integer     NOT NULL,   -- entry within the causing event: (position, line_no) is the stable order
            posting_set_id   text        NOT NULL,
            entry_no         integer     NOT NULL,
            account          text        NOT NULL,
            amount           numeric     NOT NULL,   -- debit positive, credit negative
            currency         text        NOT NULL,
            kind             text        NOT NULL,
            session_id       text        NOT NULL,
            reference        text,
            source_positions bigint[]    NOT NULL,
            recorded_at      timestamptz NOT NULL,
            booked_at        timestamptz NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.Postings} (position, line_no);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.Postings} (posting_set_id, entry_no);
        CREATE INDEX ON {schema}.{LedgerTables.Postings} (account, position, line_no);
        CREATE INDEX ON {schema}.{LedgerTables.Postings} (session_id);
        CREATE TABLE {schema}.{LedgerTables.Cdrs} (
            cdr_id              text        NOT NULL,
            position            bigint      NOT NULL,
            line_no             integer     NOT NULL,
            session_id          text        NOT NULL,
            start_at            timestamptz NOT NULL,
            end_at              timestamptz NOT NULL,
            last_updated        timestamptz NOT NULL,
            credit              boolean     NOT NULL,
            credit_reference_id text,
            currency            text        NOT NULL,
            total_excl_vat      numeric     NOT NULL,
            total_incl_vat      numeric,
            recorded_at         timestamptz NOT NULL,
            cdr                 json        COMPRESSION lz4 NOT NULL);  -- kept as issued; see the Ledger README
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.Cdrs} (cdr_id);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.Cdrs} (position, line_no);
        CREATE INDEX ON {schema}.{LedgerTables.Cdrs} (session_id);
        CREATE INDEX ON {schema}.{LedgerTables.Cdrs} (last_updated);
        CREATE TABLE {schema}.{LedgerTables.Sessions} (
            transaction_id    integer     PRIMARY KEY,
            session_id        text        NOT NULL,
            charge_point_id   text        NOT NULL,
            connector_id      integer     NOT NULL,
            id_tag            text        NOT NULL,
            meter_start       bigint      NOT NULL,
            started_at        timestamptz NOT NULL,  -- device time
            start_position    bigint      NOT NULL,
            stopped_at        timestamptz,           -- device time
            meter_stop        bigint,
            stop_position     bigint,
            billing_account   text,
            status            text        NOT NULL,  -- open | priced | unpriced
            unpriced_reason   text,
            discrepancy       text,
            tariff_id         text,
            tariff_valid_from timestamptz,
            currency          text,
            energy_wh         bigint,
            net               numeric,
            vat_rate          numeric,
            vat               numeric,
            total             numeric,
            priced_position   bigint);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.Sessions} (session_id);
        CREATE INDEX ON {schema}.{LedgerTables.Sessions} (charge_point_id, connector_id, started_at);
        CREATE TABLE {schema}.{LedgerTables.RefundRejections} (
            position      bigint      NOT NULL,
            complaint_id  text        NOT NULL,
            resolution_id text        NOT NULL,
            session_id    text,
            amount        numeric     NOT NULL,
            currency      text,
            reason        text        NOT NULL,
            recorded_at   timestamptz NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.RefundRejections} (position);
        CREATE TABLE {schema}.{LedgerTables.TariffEvents} (
            position  bigint NOT NULL,
            tariff_id text   NOT NULL,
            type      text   NOT NULL,
            data      text   NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.TariffEvents} (position);
        CREATE INDEX ON {schema}.{LedgerTables.TariffEvents} (tariff_id, position);
        CREATE TABLE {schema}.{LedgerTables.IdTagAccounts} (
            id_tag          text   PRIMARY KEY,   -- upper case
            billing_account text,
            position        bigint NOT NULL);
        CREATE TABLE {schema}.{LedgerTables.SessionSamples} (
            transaction_id integer       NOT NULL,
            position       bigint        NOT NULL,   -- the first sample's event: a batch writes one row per session
            positions      bigint[]      NOT NULL,   -- each sample's event, in log order (a reading may hold several)
            at             timestamptz[] NOT NULL,
            register_wh    bigint[]      NOT NULL,
            context        text[]        NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.SessionSamples} (transaction_id, position);
        -- Arrays are only ever selected, never searched: statistics of their elements would only make the ANALYZE before
        -- a rebuild's swap slower (for the samples, as slow as their row-per-reading copy had been).
        ALTER TABLE {schema}.{LedgerTables.SessionSamples}
            ALTER COLUMN positions SET STATISTICS 0, ALTER COLUMN at SET STATISTICS 0,
            ALTER COLUMN register_wh SET STATISTICS 0, ALTER COLUMN context SET STATISTICS 0;
        ALTER TABLE {schema}.{LedgerTables.Postings} ALTER COLUMN source_positions SET STATISTICS 0;
        ALTER TABLE {schema}.{LedgerTables.PostingSets} ALTER COLUMN source_positions SET STATISTICS 0;
        CREATE TABLE {schema}.{LedgerTables.ConnectorStatuses} (
            position        bigint      NOT NULL,
            charge_point_id text        NOT NULL,
            connector_id    integer     NOT NULL,
            at              timestamptz NOT NULL,
            status          text        NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.ConnectorStatuses} (position);
        CREATE INDEX ON {schema}.{LedgerTables.ConnectorStatuses} (charge_point_id, connector_id, at);
        CREATE TABLE {schema}.{LedgerTables.ComplaintSubjects} (
            complaint_id text   NOT NULL,
            subject_kind text   NOT NULL,
            subject_id   text   NOT NULL,
            position     bigint NOT NULL);
        CREATE UNIQUE INDEX ON {schema}.{LedgerTables.ComplaintSubjects} (complaint_id);
        """;

    /// <summary>Per session its status and effective charge, per account and currency its balance: a tariff or kWh fix lists the sessions it changed.</summary>
    public string ComparisonSql(string schema) => $"""
        SELECT '{LedgerComparisonKeys.SessionPrefix}' || session_id AS key,
               concat_ws(' ', status, unpriced_reason, billing_account, tariff_id, currency, energy_wh, net, vat, total) AS value
        FROM {schema}.{LedgerTables.Sessions}
        UNION ALL
        SELECT '{LedgerComparisonKeys.AccountPrefix}' || account || ':' || currency AS key, sum(amount)::text AS value
        FROM {schema}.{LedgerTables.Postings} GROUP BY account, currency
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var events = DecodedEvent.DecodeOnAllCores(batch, LedgerStateLoader.Concerned);
        // Taken out while the batch is applied: a batch that fails leaves no half-applied set behind.
        var kept = ProjectionSchemas.IsRebuild(context.Schema) ? Interlocked.Exchange(ref rebuilding, null) : null;
        if (kept is not null && !kept.Continues(context.Schema, batch))
        {
            kept = null;
        }
        if (kept is null && ProjectionSchemas.IsRebuild(context.Schema))
        {
            kept = await RebuildWorkingSet.StartAsync(context, cancellationToken).ConfigureAwait(false);
        }
        if (events.Count > 0)
        {
            var state = kept?.State ?? await LedgerStateLoader.LoadAsync(context, events, cancellationToken).ConfigureAwait(false);
            var book = new LedgerBook(state, issuer);
            foreach (var e in events)
            {
                book.Apply(e.Recorded, e.Event);
            }
            await LedgerWriter.WriteAsync(context, state, cancellationToken).ConfigureAwait(false);
            state.Written();
        }
        if (kept is not null)
        {
            kept.AppliedUpTo = batch[^1].Checkpoint;
            rebuilding = kept;
        }
    }
}
