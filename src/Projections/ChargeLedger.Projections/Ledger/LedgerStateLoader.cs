using System.Collections.Frozen;
using System.Text;
using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Billing.Ocpi;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Ledger;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Projections.Ledger;

/// <summary>Loads what a batch needs from the ledger's tables: every session it can touch with its postings, CDR, samples and statuses.</summary>
internal static class LedgerStateLoader
{
    public static async Task<LedgerWorkingSet> LoadAsync(ProjectionContext context, IReadOnlyList<DecodedEvent> events, CancellationToken cancellationToken)
    {
        var state = new LedgerWorkingSet();
        await LoadTariffsAsync(context, state, cancellationToken).ConfigureAwait(false);

        var resolved = events.Select(e => e.Event).OfType<ComplaintResolved>().Where(r => r.RefundAmount is not null).Select(r => r.ComplaintId).Distinct().ToArray();
        if (resolved.Length > 0)
        {
            await LoadComplaintsAsync(context, state, resolved, cancellationToken).ConfigureAwait(false);
        }
        var transactionIds = new HashSet<int>(events.Select(e => e.Event).OfType<ITransactionEvent>().Select(e => e.TransactionId));
        foreach (var opened in events.Select(e => e.Event).OfType<ComplaintOpened>().Select(o => new ComplaintSubject(o.SubjectKind, o.SubjectId, 0))
                     .Concat(state.Complaints.Values))
        {
            if (LedgerBook.RefundTransaction(opened) is { } id) transactionIds.Add(id);
        }
        var statuses = events.Select(e => e.Event).OfType<ConnectorStatusReported>().ToList();
        if (statuses.Count > 0)
        {
            transactionIds.UnionWith(await SessionsCoveringAsync(context, statuses, cancellationToken).ConfigureAwait(false));
        }
        var reaches = events.Select(e => TariffScopes.ReachOf(e.Event)).OfType<TariffReach>().ToList();
        if (reaches.Count > 0)
        {
            transactionIds.UnionWith(await SessionsReachedAsync(context, reaches, cancellationToken).ConfigureAwait(false));
        }
        if (transactionIds.Count > 0)
        {
            await LoadSessionsAsync(context, state, transactionIds.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        // Samples, statuses, postings and CDRs only matter to sessions this batch can price or refund: stopped ones.
        // Open sessions skip them, so a long session's samples are not re-read by every batch that adds one.
        var stoppedHere = events.Select(e => e.Event).OfType<TransactionStopped>().Select(s => s.TransactionId).ToHashSet();
        var pricing = state.Sessions.Values.Where(s => s.Stopped || stoppedHere.Contains(s.TransactionId)).ToList();
        var pricedChargePoints = pricing.Select(s => s.ChargePointId)
            .Concat(events.Select(e => e.Event).OfType<TransactionStarted>().Where(s => stoppedHere.Contains(s.TransactionId)).Select(s => s.ChargePointId))
            .Distinct(StringComparer.Ordinal).ToArray();
        if (pricedChargePoints.Length > 0)
        {
            await LoadMembershipsAsync(context, state, pricedChargePoints, cancellationToken).ConfigureAwait(false);
        }
        if (pricing.Count > 0)
        {
            await LoadSamplesAsync(context, state, pricing.Select(s => s.TransactionId).ToArray(), cancellationToken).ConfigureAwait(false);
            var sessionIds = pricing.Select(s => s.SessionId).ToArray();
            await LoadPostingSetsAsync(context, state, sessionIds, cancellationToken).ConfigureAwait(false);
            await LoadCdrsAsync(context, state, sessionIds, cancellationToken).ConfigureAwait(false);
        }
        var windows = pricing.Select(s => (s.ChargePointId, s.ConnectorId, Since: s.StartedAt, Until: s.StoppedAt))
            .Concat(events.Select(e => e.Event).OfType<TransactionStarted>().Where(s => stoppedHere.Contains(s.TransactionId))
                .Select(s => (s.ChargePointId, s.ConnectorId, Since: s.DeviceTime, Until: (Instant?)null)))
            .ToList();
        if (windows.Count > 0)
        {
            await LoadStatusesAsync(context, state, windows, cancellationToken).ConfigureAwait(false);
        }
        var tags = events.Select(e => e.Event).OfType<TransactionStarted>().Select(s => s.IdTag)
            .Concat(state.Sessions.Values.Where(s => s.BillingAccount is null).Select(s => s.IdTag))
            .Select(StreamIds.IdTagKey).Distinct().ToArray();
        if (tags.Length > 0)
        {
            await LoadAccountsAsync(context, state, tags, cancellationToken).ConfigureAwait(false);
        }
        return state;
    }

    /// <summary>The stored types the ledger reads; the charge-point traffic it ignores (most of the log) is never parsed.</summary>
    public static FrozenSet<string> Concerned { get; } = DecodedEvent.TypeNamesWhere(type =>
        typeof(Domain.Tariffs.ITariffEvent).IsAssignableFrom(type) || TariffScopes.Holds(type) || type == typeof(IdTagRegistered)
        || type == typeof(IdTagLinkedToAccount) || type == typeof(TransactionStarted) || type == typeof(MeterValuesRecorded) || type == typeof(TransactionStopped)
        || type == typeof(ConnectorStatusReported) || type == typeof(ComplaintOpened) || type == typeof(ComplaintResolved));

    // Memberships (one or a few per charge point of a fleet) are read only for the charge points a batch prices; tariffs
    // and assignments (few) are read whole. A membership's tariff_id column holds its charge point.
    private static readonly string[] MembershipTypes = [.. DecodedEvent.TypeNamesWhere(typeof(Domain.Sites.IMembershipEvent).IsAssignableFrom)];

    private static async Task LoadTariffsAsync(ProjectionContext context, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"SELECT position, type, data FROM {context.Table(LedgerTables.TariffEvents)} WHERE type <> ALL($1) ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter { Value = MembershipTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await ReadTariffEventsAsync(command, state, cancellationToken).ConfigureAwait(false);
    }

    private static async Task LoadMembershipsAsync(ProjectionContext context, LedgerWorkingSet state, string[] chargePointIds, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand(
            $"SELECT position, type, data FROM {context.Table(LedgerTables.TariffEvents)} WHERE type = ANY($1) AND tariff_id = ANY($2) ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter { Value = MembershipTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = chargePointIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await ReadTariffEventsAsync(command, state, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadTariffEventsAsync(NpgsqlCommand command, LedgerWorkingSet state, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (EventSerializer.Deserialize(reader.GetString(1), Encoding.UTF8.GetBytes(reader.GetString(2))) is { } tariffEvent)
            {
                state.AddTariffEvent(tariffEvent, reader.GetInt64(0));
            }
        }
    }

    private static async Task LoadComplaintsAsync(ProjectionContext context, LedgerWorkingSet state, string[] complaintIds, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand(
            $"SELECT complaint_id, subject_kind, subject_id, position FROM {context.Table(LedgerTables.ComplaintSubjects)} WHERE complaint_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = complaintIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state.Complaints[reader.GetString(0)] = new ComplaintSubject(Enum.Parse<ComplaintSubjectKind>(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3));
        }
    }

    // Stopped sessions whose window a (late) status report falls into: their parking time may change.
    private static async Task<List<int>> SessionsCoveringAsync(ProjectionContext context, List<ConnectorStatusReported> statuses, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            SELECT DISTINCT s.transaction_id FROM {context.Table(LedgerTables.Sessions)} s
            JOIN unnest($1::text[], $2::integer[], $3::timestamptz[]) AS u(cp, conn, at)
              ON s.charge_point_id = u.cp AND s.connector_id = u.conn AND s.started_at <= u.at AND s.stopped_at >= u.at
            """);
        command.Texts(statuses, s => s.ChargePointId).Ints(statuses, s => s.ConnectorId).Times(statuses, s => s.DeviceTime ?? s.ReceivedAt);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt32(0));
        }
        return ids;
    }

    // Stopped sessions a (backdated) assignment or membership can re-price. A group's or site's members are the charge
    // points ever placed in it; those placed by this very batch are charge point reaches of their own.
    private static async Task<List<int>> SessionsReachedAsync(ProjectionContext context, List<TariffReach> reaches, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            WITH reach AS (SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[]) AS r(from_at, cp, group_id, site_id)),
            members AS (
                SELECT r.from_at, t.tariff_id AS cp FROM reach r JOIN {context.Table(LedgerTables.TariffEvents)} t
                  ON (t.type = '{nameof(ChargePointJoinedGroup)}' AND t.data::jsonb ->> 'groupId' = r.group_id)
                  OR (t.type = '{nameof(ChargePointPlacedAtSite)}' AND t.data::jsonb ->> 'siteId' = r.site_id)
                UNION ALL
                SELECT from_at, cp FROM reach WHERE cp IS NOT NULL)
            SELECT DISTINCT s.transaction_id FROM {context.Table(LedgerTables.Sessions)} s
            JOIN members m ON s.charge_point_id = m.cp AND s.started_at >= m.from_at
            WHERE s.stopped_at IS NOT NULL
            """);
        command.Times(reaches, r => r.From).Texts(reaches, r => r.ChargePointId).Texts(reaches, r => r.GroupId).Texts(reaches, r => r.SiteId);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt32(0));
        }
        return ids;
    }

    private static async Task LoadSessionsAsync(ProjectionContext context, LedgerWorkingSet state, int[] transactionIds, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            SELECT transaction_id, charge_point_id, connector_id, id_tag, meter_start, started_at, start_position,
                   stopped_at, meter_stop, stop_position, billing_account, status, unpriced_reason, discrepancy,
                   tariff_id, tariff_valid_from, currency, energy_wh, net, vat_rate, vat, total, priced_position
            FROM {context.Table(LedgerTables.Sessions)} WHERE transaction_id = ANY($1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = transactionIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var session = new LedgerSession(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4),
                Instant.FromDateTimeUtc(reader.GetDateTime(5)), reader.GetInt64(6))
            {
                StoppedAt = reader.IsDBNull(7) ? null : Instant.FromDateTimeUtc(reader.GetDateTime(7)),
                MeterStop = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                StopPosition = reader.IsDBNull(9) ? null : reader.GetInt64(9),
                BillingAccount = reader.IsDBNull(10) ? null : reader.GetString(10),
                Status = reader.GetString(11),
                UnpricedReason = reader.IsDBNull(12) ? null : reader.GetString(12),
                Discrepancy = reader.IsDBNull(13) ? null : reader.GetString(13),
                Priced = reader.IsDBNull(14) ? null : new PricedSummary(
                    reader.GetString(14), Instant.FromDateTimeUtc(reader.GetDateTime(15)), reader.GetString(16), reader.GetInt64(17),
                    reader.GetDecimal(18), reader.GetDecimal(19), reader.GetDecimal(20), reader.GetDecimal(21), reader.GetInt64(22)),
            };
            state.AddSession(session);
        }
    }

    private static async Task LoadSamplesAsync(ProjectionContext context, LedgerWorkingSet state, int[] transactionIds, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            SELECT s.transaction_id, u.at, u.register_wh, u.context, u.position
            FROM {context.Table(LedgerTables.SessionSamples)} AS s,
                 unnest(s.at, s.register_wh, s.context, s.positions) WITH ORDINALITY AS u(at, register_wh, context, position, n)
            WHERE s.transaction_id = ANY($1) ORDER BY s.position, u.n
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = transactionIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (state.Sessions.TryGetValue(reader.GetInt32(0), out var session))
            {
                session.Samples.Add(new SessionSample(Instant.FromDateTimeUtc(reader.GetDateTime(1)), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4)));
            }
        }
    }

    private static async Task LoadPostingSetsAsync(ProjectionContext context, LedgerWorkingSet state, string[] sessionIds, CancellationToken cancellationToken)
    {
        var bySession = state.Sessions.Values.ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        await using var command = context.CreateCommand($"""
            SELECT h.posting_set_id, h.session_id, h.kind, h.currency, h.reference, h.source_positions, h.booked_at,
                   coalesce((SELECT array_agg(p.account ORDER BY p.entry_no) FROM {context.Table(LedgerTables.Postings)} p WHERE p.posting_set_id = h.posting_set_id), ARRAY[]::text[]),
                   coalesce((SELECT array_agg(p.amount ORDER BY p.entry_no) FROM {context.Table(LedgerTables.Postings)} p WHERE p.posting_set_id = h.posting_set_id), ARRAY[]::numeric[])
            FROM {context.Table(LedgerTables.PostingSets)} h
            WHERE h.session_id = ANY($1) ORDER BY h.position, h.posting_set_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var accounts = reader.GetFieldValue<string[]>(7);
            var amounts = reader.GetFieldValue<decimal[]>(8);
            var set = new PostingSet(
                reader.GetString(0), reader.GetString(1), Enum.Parse<PostingKind>(reader.GetString(2)), reader.GetString(3),
                accounts.Zip(amounts, (account, amount) => new LedgerEntry(account, amount)).ToList(),
                reader.GetFieldValue<long[]>(5), Instant.FromDateTimeUtc(reader.GetDateTime(6)), reader.IsDBNull(4) ? null : reader.GetString(4));
            bySession[set.SessionId].Posted.Add(set);
        }
    }

    private static async Task LoadCdrsAsync(ProjectionContext context, LedgerWorkingSet state, string[] sessionIds, CancellationToken cancellationToken)
    {
        var bySession = state.Sessions.Values.ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        await using var command = context.CreateCommand($"""
            SELECT session_id, count(*)::integer, (array_agg(cdr::text ORDER BY position DESC, line_no DESC) FILTER (WHERE NOT credit))[1]
            FROM {context.Table(LedgerTables.Cdrs)} WHERE session_id = ANY($1) GROUP BY session_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = sessionIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var session = bySession[reader.GetString(0)];
            session.CdrCount = reader.GetInt32(1);
            session.CurrentCdr = reader.IsDBNull(2) ? null : CdrJson.Parse(reader.GetString(2));
        }
    }

    private static async Task LoadStatusesAsync(
        ProjectionContext context, LedgerWorkingSet state, List<(string ChargePointId, int ConnectorId, Instant Since, Instant? Until)> windows, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            SELECT DISTINCT c.position, c.charge_point_id, c.connector_id, c.at, c.status FROM {context.Table(LedgerTables.ConnectorStatuses)} c
            JOIN unnest($1::text[], $2::integer[], $3::timestamptz[], $4::timestamptz[]) AS u(cp, conn, since, until)
              ON c.charge_point_id = u.cp AND c.connector_id = u.conn AND c.at >= u.since AND (u.until IS NULL OR c.at <= u.until)
            """);
        command.Texts(windows, w => w.ChargePointId).Ints(windows, w => w.ConnectorId).Times(windows, w => w.Since).Times(windows, w => w.Until);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = reader.GetInt64(0);
            state.StatusesOf(reader.GetString(1), reader.GetInt32(2))[position] =
                new StatusReport(Instant.FromDateTimeUtc(reader.GetDateTime(3)), reader.GetString(4), position);
        }
    }

    private static async Task LoadAccountsAsync(ProjectionContext context, LedgerWorkingSet state, string[] tagKeys, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"SELECT id_tag, billing_account FROM {context.Table(LedgerTables.IdTagAccounts)} WHERE id_tag = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = tagKeys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state.Accounts[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
    }
}
