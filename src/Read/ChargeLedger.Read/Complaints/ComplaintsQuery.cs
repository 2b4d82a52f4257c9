using ChargeLedger.Read.AuditTrail;
using ChargeLedger.Read.Ledger;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Read.Complaints;

/// <summary>Reads complaints with their notes, evidence, refunds (from the billing ledger) and audit trail (from <see cref="AuditTrailQuery"/>).</summary>
public sealed class ComplaintsQuery(NpgsqlDataSource dataSource)
{
    private readonly AuditTrailQuery trails = new(dataSource);

    /// <summary>The complaint, or null when unknown. <paramref name="trailOptions"/> widen a transaction's trail (default: 10 minutes each side).</summary>
    public async Task<ComplaintView?> GetAsync(string complaintId, TrailOptions? trailOptions, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        ComplaintView? view;
        await using (var command = Command(connection, $"""
            SELECT complaint_id, subject_kind, subject_id, window_start, window_end, description, opened_by, opened_at, status,
                   resolution_id, outcome, summary, refund_amount, refund_currency, resolved_by, resolved_at
            FROM {ComplaintsTables.LiveComplaints} WHERE complaint_id = $1
            """, complaintId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            var resolution = reader.IsDBNull(9) ? null : new ComplaintResolution(
                reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetDecimal(12),
                reader.IsDBNull(13) ? null : reader.GetString(13), reader.GetString(14), At(reader, 15));
            view = new ComplaintView(reader.GetString(0), reader.GetString(1), reader.GetString(2), At(reader, 3), At(reader, 4), reader.GetString(5),
                reader.GetString(6), At(reader, 7), reader.GetString(8), resolution, [], [], [], [], null, null);
        }
        var notes = await ReadAsync(connection, $"SELECT note_id, text, author, added_at, position FROM {ComplaintsTables.LiveNotes} WHERE complaint_id = $1 ORDER BY position",
            complaintId, r => new ComplaintNote(r.GetString(0), r.GetString(1), r.GetString(2), At(r, 3), r.GetInt64(4)), cancellationToken).ConfigureAwait(false);
        var evidence = await ReadAsync(connection, $"""
            SELECT evidence_id, stream_id, stream_version, global_position, description, attached_by, attached_at, position
            FROM {ComplaintsTables.LiveEvidence} WHERE complaint_id = $1 ORDER BY position
            """, complaintId, r => new ComplaintEvidence(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), At(r, 6), r.GetInt64(7)), cancellationToken).ConfigureAwait(false);
        var history = await ReadAsync(connection, $"SELECT position, type, recorded_at, data::text FROM {ComplaintsTables.LiveHistory} WHERE complaint_id = $1 ORDER BY position",
            complaintId, r => new ComplaintHistoryEntry(r.GetInt64(0), r.GetString(1), At(r, 2), r.GetString(3)), cancellationToken).ConfigureAwait(false);
        var refunds = await RefundsAsync(connection, complaintId, cancellationToken).ConfigureAwait(false);
        var (trail, unavailable) = await TrailAsync(view, trailOptions, cancellationToken).ConfigureAwait(false);
        return view with { Notes = notes, Evidence = evidence, History = history, Refunds = refunds, Trail = trail, TrailUnavailableReason = unavailable };
    }

    // Each refund granted by a resolution, matched with the ledger's posting set (by its reference) or its rejection.
    private static async Task<IReadOnlyList<ComplaintRefund>> RefundsAsync(NpgsqlConnection connection, string complaintId, CancellationToken cancellationToken)
    {
        var granted = await ReadAsync(connection, $"""
            SELECT data->>'resolutionId', (data->>'refundAmount')::numeric, data->>'refundCurrency' FROM {ComplaintsTables.LiveHistory}
            WHERE complaint_id = $1 AND type = 'ComplaintResolved' AND data ? 'refundAmount' ORDER BY position
            """, complaintId, r => (ResolutionId: r.GetString(0), Amount: r.GetDecimal(1), Currency: r.IsDBNull(2) ? null : r.GetString(2)), cancellationToken).ConfigureAwait(false);
        if (granted.Count == 0)
        {
            return [];
        }
        var booked = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand($"SELECT reference, posting_set_id FROM {LedgerTables.LivePostingSets} WHERE kind = 'Refund' AND reference = ANY($1)", connection))
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = granted.Select(g => LedgerTables.RefundReference(complaintId, g.ResolutionId)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                booked[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var rejected = await ReadAsync(connection, $"SELECT resolution_id, reason FROM {LedgerTables.LiveRefundRejections} WHERE complaint_id = $1",
            complaintId, r => (ResolutionId: r.GetString(0), Reason: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return granted.Select(g =>
        {
            var setId = booked.GetValueOrDefault(LedgerTables.RefundReference(complaintId, g.ResolutionId));
            var reason = rejected.FirstOrDefault(r => r.ResolutionId == g.ResolutionId).Reason;
            var status = setId is not null ? ComplaintRefundStatuses.Booked : reason is not null ? ComplaintRefundStatuses.Rejected : ComplaintRefundStatuses.Pending;
            return new ComplaintRefund(g.ResolutionId, g.Amount, g.Currency, status, setId, reason);
        }).ToList();
    }

    // The audit index answers per transaction or per charge point; an idTag across charge points is not indexed yet.
    private async Task<(Trail? Trail, string? Reason)> TrailAsync(ComplaintView view, TrailOptions? options, CancellationToken cancellationToken)
    {
        switch (view.SubjectKind)
        {
            case "Transaction" when int.TryParse(view.SubjectId, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var transactionId):
                var trail = await trails.ForTransactionAsync(transactionId, options, cancellationToken).ConfigureAwait(false);
                return trail is null ? (null, $"transaction {transactionId} is not in the audit index") : (trail, null);
            case "ChargePoint":
                return (await trails.ForChargePointAsync(view.SubjectId, null, view.WindowStart, view.WindowEnd, options?.IncludeHeartbeats ?? false, cancellationToken).ConfigureAwait(false), null);
            default:
                return (null, $"no audit trail for a {view.SubjectKind} subject: the audit index is searched per transaction or charge point");
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string complaintId)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = complaintId, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private static async Task<IReadOnlyList<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, string complaintId, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, complaintId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private static Instant At(NpgsqlDataReader reader, int ordinal) => Instant.FromDateTimeUtc(reader.GetDateTime(ordinal));
}
