using ChargeLedger.Domain.Billing.Ocpi;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Ledger;
using NpgsqlTypes;

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
        // A batch's samples of one session go in one row of arrays: a rebuild writes about a row per session, not one per
        // meter reading (the server's per-row work was most of the samples' cost).
        if (state.NewSamples.Count > 0)
        {
            var rows = state.NewSamples.GroupBy(s => s.TransactionId, s => s.Sample).ToList();
            await CopyRows.WriteAsync(context, LedgerTables.SessionSamples, "transaction_id, position, positions, at, register_wh, context", rows,
                async (w, r, ct) =>
                {
                    var samples = r.ToArray();
                    await w.ColumnAsync(r.Key, ct).ConfigureAwait(false);
                    await w.ColumnAsync(samples[0].Position, ct).ConfigureAwait(false);
                    await w.WriteAsync(Array.ConvertAll(samples, s => s.Position), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                    await w.WriteAsync(Array.ConvertAll(samples, s => s.At.ToDateTimeUtc()), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                    await w.WriteAsync(Array.ConvertAll(samples, s => s.RegisterWh), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                    await w.WriteAsync(Array.ConvertAll(samples, s => s.Context), NpgsqlDbType.Array | NpgsqlDbType.Text, ct).ConfigureAwait(false);
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
        var rows = state.ChangedSessions;
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

    // Posting sets, postings and CDRs are insert-only, like samples and statuses: binary COPY, arrays and JSON as the
    // server stores them (no text to parse into bigint[]).
    private static async Task WritePostingsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        var sets = state.NewPostingSets;
        if (sets.Count == 0) return;
        await CopyRows.WriteAsync(context, LedgerTables.PostingSets,
            "posting_set_id, session_id, kind, currency, reference, source_positions, position, recorded_at, booked_at", sets,
            async (w, b, ct) =>
            {
                await w.ColumnAsync(b.Set.PostingSetId, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Set.SessionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Set.Kind.ToString(), ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Set.Currency, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Set.Reference, ct).ConfigureAwait(false);
                await w.WriteAsync(Positions(b.Set.SourcePositions), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.RecordedAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(b.Set.BookedAt, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

        var lines = new Dictionary<long, int>();
        var entries = sets.SelectMany(b => b.Set.Entries.Select((e, i) => (Booked: b, Entry: e, EntryNo: i + 1)))
            .Select(x => (x.Booked, x.Entry, x.EntryNo, Line: lines[x.Booked.Position] = lines.GetValueOrDefault(x.Booked.Position) + 1))
            .ToList();
        if (entries.Count == 0) return;
        await CopyRows.WriteAsync(context, LedgerTables.Postings,
            "position, line_no, posting_set_id, entry_no, account, amount, currency, kind, session_id, reference, source_positions, recorded_at, booked_at", entries,
            async (w, x, ct) =>
            {
                await w.ColumnAsync(x.Booked.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Line, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.PostingSetId, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.EntryNo, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Entry.Account, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Entry.Amount, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.Currency, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.Kind.ToString(), ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.SessionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.Reference, ct).ConfigureAwait(false);
                await w.WriteAsync(Positions(x.Booked.Set.SourcePositions), NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.RecordedAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(x.Booked.Set.BookedAt, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteCdrsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        if (state.NewCdrs.Count == 0) return;
        var lines = new Dictionary<long, int>();
        var rows = state.NewCdrs.Select(c => (Issued: c, Line: lines[c.Position] = lines.GetValueOrDefault(c.Position) + 1)).ToList();
        await CopyRows.WriteAsync(context, LedgerTables.Cdrs,
            "cdr_id, position, line_no, session_id, start_at, end_at, last_updated, credit, credit_reference_id, currency, total_excl_vat, total_incl_vat, recorded_at, cdr", rows,
            async (w, r, ct) =>
            {
                var cdr = r.Issued.Cdr;
                await w.ColumnAsync(cdr.Id, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Issued.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Line, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Issued.SessionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.StartDateTime, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.EndDateTime, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.LastUpdated, ct).ConfigureAwait(false);
                await w.WriteAsync(cdr.Credit == true, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.CreditReferenceId, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.Currency, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.TotalCost.ExclVat, ct).ConfigureAwait(false);
                await w.ColumnAsync(cdr.TotalCost.InclVat, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Issued.RecordedAt, ct).ConfigureAwait(false);
                await w.WriteAsync(CdrJson.ToUtf8(cdr), NpgsqlDbType.Json, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
    }

    private static long[] Positions(IReadOnlyList<long> positions) => positions as long[] ?? [.. positions];

    private static async Task ExecuteAsync(Npgsql.NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
