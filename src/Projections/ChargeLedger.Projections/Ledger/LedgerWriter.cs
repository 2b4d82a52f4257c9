using System.Globalization;
using System.Text.Json;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Ledger;

namespace ChargeLedger.Projections.Ledger;

/// <summary>Writes a batch's working set back: one multi-row statement or binary COPY per table; ledger rows and CDRs are only ever inserted.</summary>
internal static class LedgerWriter
{
    public static async Task WriteAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        if (state.NewTariffEvents.Count > 0)
        {
            var rows = state.NewTariffEvents;
            await ExecuteAsync(context.CreateCommand($"""
                INSERT INTO {context.Table(LedgerTables.TariffEvents)} (position, tariff_id, type, data)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
                """).Longs(rows, r => r.Position).Texts(rows, r => r.TariffId).Texts(rows, r => r.Type).Texts(rows, r => r.Data), cancellationToken).ConfigureAwait(false);
        }
        if (state.ChangedAccounts.Count > 0)
        {
            var rows = state.ChangedAccounts.ToList();
            await ExecuteAsync(context.CreateCommand($"""
                INSERT INTO {context.Table(LedgerTables.IdTagAccounts)} (id_tag, billing_account, position)
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
                ON CONFLICT (id_tag) DO UPDATE SET billing_account = excluded.billing_account, position = excluded.position
                """).Texts(rows, r => r.Key).Texts(rows, r => r.Value.Account).Longs(rows, r => r.Value.Position), cancellationToken).ConfigureAwait(false);
        }
        if (state.NewComplaints.Count > 0)
        {
            var rows = state.NewComplaints;
            await ExecuteAsync(context.CreateCommand($"""
                INSERT INTO {context.Table(LedgerTables.ComplaintSubjects)} (complaint_id, subject_kind, subject_id, position)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
                """).Texts(rows, r => r.ComplaintId).Texts(rows, r => r.Subject.Kind.ToString()).Texts(rows, r => r.Subject.SubjectId).Longs(rows, r => r.Subject.Position), cancellationToken).ConfigureAwait(false);
        }
        // Samples and statuses are most of the ledger's rows (insert-only): binary COPY, as for any insert-only table.
        if (state.NewSamples.Count > 0)
        {
            await CopyRows.WriteAsync(context, LedgerTables.SessionSamples, "transaction_id, position, sample_index, at, register_wh, context", state.NewSamples,
                async (w, r, ct) =>
                {
                    await w.ColumnAsync(r.TransactionId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Sample.Position, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Index, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Sample.At, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Sample.RegisterWh, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Sample.Context, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
        }
        if (state.NewStatuses.Count > 0)
        {
            await CopyRows.WriteAsync(context, LedgerTables.ConnectorStatuses, "position, charge_point_id, connector_id, at, status", state.NewStatuses,
                async (w, r, ct) =>
                {
                    await w.ColumnAsync(r.Status.Position, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.ChargePointId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.ConnectorId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Status.At, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Status.Status, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
        }
        await WriteSessionsAsync(context, state, cancellationToken).ConfigureAwait(false);
        await WritePostingsAsync(context, state, cancellationToken).ConfigureAwait(false);
        await WriteCdrsAsync(context, state, cancellationToken).ConfigureAwait(false);
        if (state.NewRejections.Count > 0)
        {
            var rows = state.NewRejections;
            await ExecuteAsync(context.CreateCommand($"""
                INSERT INTO {context.Table(LedgerTables.RefundRejections)} (position, complaint_id, resolution_id, session_id, amount, currency, reason, recorded_at)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::timestamptz[])
                """).Longs(rows, r => r.Position).Texts(rows, r => r.ComplaintId).Texts(rows, r => r.ResolutionId).Texts(rows, r => r.SessionId)
                .Decimals(rows, r => r.Amount).Texts(rows, r => r.Currency).Texts(rows, r => r.Reason).Times(rows, r => r.RecordedAt), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteSessionsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        var rows = state.Sessions.Values.Where(s => s.Changed).ToList();
        if (rows.Count == 0) return;
        await ExecuteAsync(context.CreateCommand($"""
            INSERT INTO {context.Table(LedgerTables.Sessions)} AS s
                (transaction_id, session_id, charge_point_id, connector_id, id_tag, meter_start, started_at, start_position,
                 stopped_at, meter_stop, stop_position, billing_account, status, unpriced_reason, discrepancy,
                 tariff_id, tariff_valid_from, currency, energy_wh, net, vat_rate, vat, total, priced_position)
            SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::bigint[], $7::timestamptz[], $8::bigint[],
                                 $9::timestamptz[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[],
                                 $16::text[], $17::timestamptz[], $18::text[], $19::bigint[], $20::numeric[], $21::numeric[], $22::numeric[], $23::numeric[], $24::bigint[])
            ON CONFLICT (transaction_id) DO UPDATE SET
                stopped_at = excluded.stopped_at, meter_stop = excluded.meter_stop, stop_position = excluded.stop_position,
                billing_account = excluded.billing_account, status = excluded.status, unpriced_reason = excluded.unpriced_reason,
                discrepancy = excluded.discrepancy, tariff_id = excluded.tariff_id, tariff_valid_from = excluded.tariff_valid_from,
                currency = excluded.currency, energy_wh = excluded.energy_wh, net = excluded.net, vat_rate = excluded.vat_rate,
                vat = excluded.vat, total = excluded.total, priced_position = excluded.priced_position
            """)
            .Ints(rows, r => r.TransactionId).Texts(rows, r => r.SessionId).Texts(rows, r => r.ChargePointId).Ints(rows, r => r.ConnectorId)
            .Texts(rows, r => r.IdTag).Longs(rows, r => r.MeterStart).Times(rows, r => r.StartedAt).Longs(rows, r => r.StartPosition)
            .Times(rows, r => r.StoppedAt).Longs(rows, r => r.MeterStop).Longs(rows, r => r.StopPosition).Texts(rows, r => r.BillingAccount)
            .Texts(rows, r => r.Status).Texts(rows, r => r.UnpricedReason).Texts(rows, r => r.Discrepancy)
            .Texts(rows, r => r.Priced?.TariffId).Times(rows, r => r.Priced?.TariffValidFrom).Texts(rows, r => r.Priced?.Currency)
            .Longs(rows, r => r.Priced?.EnergyWh).Decimals(rows, r => r.Priced?.Net).Decimals(rows, r => r.Priced?.VatRatePercent)
            .Decimals(rows, r => r.Priced?.Vat).Decimals(rows, r => r.Priced?.Total).Longs(rows, r => r.Priced?.Position), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WritePostingsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        var sets = state.NewPostingSets;
        if (sets.Count == 0) return;
        await ExecuteAsync(context.CreateCommand($"""
            INSERT INTO {context.Table(LedgerTables.PostingSets)} (posting_set_id, session_id, kind, currency, reference, source_positions, position, recorded_at, booked_at)
            SELECT p, s, k, c, r, src::bigint[], pos, rec, booked
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[], $9::timestamptz[])
                 AS u(p, s, k, c, r, src, pos, rec, booked)
            """).Texts(sets, b => b.Set.PostingSetId).Texts(sets, b => b.Set.SessionId).Texts(sets, b => b.Set.Kind.ToString()).Texts(sets, b => b.Set.Currency)
            .Texts(sets, b => b.Set.Reference).Texts(sets, b => PgArray(b.Set.SourcePositions)).Longs(sets, b => b.Position)
            .Times(sets, b => b.RecordedAt).Times(sets, b => b.Set.BookedAt), cancellationToken).ConfigureAwait(false);

        var lines = new Dictionary<long, int>();
        var entries = sets.SelectMany(b => b.Set.Entries.Select((e, i) => (Booked: b, Entry: e, EntryNo: i + 1)))
            .Select(x => (x.Booked, x.Entry, x.EntryNo, Line: lines[x.Booked.Position] = lines.GetValueOrDefault(x.Booked.Position) + 1))
            .ToList();
        if (entries.Count == 0) return;
        await ExecuteAsync(context.CreateCommand($"""
            INSERT INTO {context.Table(LedgerTables.Postings)}
                (position, line_no, posting_set_id, entry_no, account, amount, currency, kind, session_id, reference, source_positions, recorded_at, booked_at)
            SELECT pos, line, p, n, a, amt, c, k, s, r, src::bigint[], rec, booked
            FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::integer[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::text[], $10::text[],
                        $11::text[], $12::timestamptz[], $13::timestamptz[]) AS u(pos, line, p, n, a, amt, c, k, s, r, src, rec, booked)
            """).Longs(entries, x => x.Booked.Position).Ints(entries, x => x.Line).Texts(entries, x => x.Booked.Set.PostingSetId).Ints(entries, x => x.EntryNo)
            .Texts(entries, x => x.Entry.Account).Decimals(entries, x => x.Entry.Amount).Texts(entries, x => x.Booked.Set.Currency)
            .Texts(entries, x => x.Booked.Set.Kind.ToString()).Texts(entries, x => x.Booked.Set.SessionId).Texts(entries, x => x.Booked.Set.Reference)
            .Texts(entries, x => PgArray(x.Booked.Set.SourcePositions)).Times(entries, x => x.Booked.RecordedAt).Times(entries, x => x.Booked.Set.BookedAt), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteCdrsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        if (state.NewCdrs.Count == 0) return;
        var lines = new Dictionary<long, int>();
        var rows = state.NewCdrs.Select(c => (Issued: c, Line: lines[c.Position] = lines.GetValueOrDefault(c.Position) + 1)).ToList();
        await ExecuteAsync(context.CreateCommand($"""
            INSERT INTO {context.Table(LedgerTables.Cdrs)}
                (cdr_id, position, line_no, session_id, start_at, end_at, last_updated, credit, credit_reference_id, currency, total_excl_vat, total_incl_vat, recorded_at, cdr)
            SELECT id, pos, line, s, st, en, lu, cr, ref, c, ex, inc, rec, j::jsonb
            FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::boolean[],
                        $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::timestamptz[], $14::text[]) AS u(id, pos, line, s, st, en, lu, cr, ref, c, ex, inc, rec, j)
            """).Texts(rows, r => r.Issued.Cdr.Id).Longs(rows, r => r.Issued.Position).Ints(rows, r => r.Line).Texts(rows, r => r.Issued.SessionId)
            .Times(rows, r => r.Issued.Cdr.StartDateTime).Times(rows, r => r.Issued.Cdr.EndDateTime).Times(rows, r => r.Issued.Cdr.LastUpdated)
            .Bools(rows, r => r.Issued.Cdr.Credit == true).Texts(rows, r => r.Issued.Cdr.CreditReferenceId).Texts(rows, r => r.Issued.Cdr.Currency)
            .Decimals(rows, r => r.Issued.Cdr.TotalCost.ExclVat).Decimals(rows, r => r.Issued.Cdr.TotalCost.InclVat).Times(rows, r => r.Issued.RecordedAt)
            .Texts(rows, r => JsonSerializer.Serialize(r.Issued.Cdr)), cancellationToken).ConfigureAwait(false);
    }

    private static string PgArray(IEnumerable<long> values) => "{" + string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "}";

    private static async Task ExecuteAsync(Npgsql.NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
