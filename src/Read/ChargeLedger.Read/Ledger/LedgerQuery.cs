using NodaTime;
using Npgsql;
using static ChargeLedger.Read.Ledger.LedgerParameters;

namespace ChargeLedger.Read.Ledger;

/// <summary>
/// Reads the billing ledger: entries and balances of an account as they stood at any position or instant, the
/// whole-ledger sum check, session costs and refused refunds. Postings are append-only, so "as of" is a filter.
/// </summary>
public sealed class LedgerQuery(NpgsqlDataSource dataSource)
{
    private const string EntryColumns =
        "posting_set_id, entry_no, account, amount, currency, kind, session_id, reference, source_positions, position, recorded_at, booked_at, line_no";

    /// <summary>
    /// Entries of <paramref name="account"/> (e.g. <c>customer:ACME</c>, <c>revenue:charging</c>) booked in
    /// [<paramref name="bookedFrom"/>, <paramref name="bookedTo"/>), as of <paramref name="asOf"/>, in booking order.
    /// </summary>
    public async Task<Page<LedgerEntryRow>> EntriesAsync(
        string account, Instant? bookedFrom, Instant? bookedTo, LedgerAsOf? asOf, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var cursor = LedgerCursor.Parse(after, nameof(after));
        asOf ??= LedgerAsOf.Now;
        await using var command = dataSource.CreateCommand($"""
            SELECT {EntryColumns} FROM {LedgerTables.LivePostings}
            WHERE account = $1 AND ($2::timestamptz IS NULL OR booked_at >= $2) AND ($3::timestamptz IS NULL OR booked_at < $3)
              AND {AsOfFilter(4, 5)} AND {AfterCursor(6, 7)}
            ORDER BY position, line_no
            LIMIT $8
            """);
        command.Parameters.Add(Text(account));
        command.Parameters.Add(Time(bookedFrom));
        command.Parameters.Add(Time(bookedTo));
        command.Parameters.Add(Long(asOf.Position));
        command.Parameters.Add(Time(asOf.At));
        command.Parameters.Add(Long(cursor?.Position));
        command.Parameters.Add(Int(cursor?.Line));
        command.Parameters.Add(Int(limit + 1));
        var rows = new List<(LedgerEntryRow Row, LedgerCursor Cursor)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((ReadEntry(reader), new LedgerCursor(reader.GetInt64(9), reader.GetInt32(12))));
        }
        return rows.Count > limit
            ? new Page<LedgerEntryRow>(rows.Take(limit).Select(r => r.Row).ToList(), rows[limit - 1].Cursor.ToString())
            : new Page<LedgerEntryRow>(rows.Select(r => r.Row).ToList(), null);
    }

    /// <summary>The account's balance per currency as of <paramref name="asOf"/> (no entries: an empty list).</summary>
    public async Task<AccountBalance> BalanceAsync(string account, LedgerAsOf? asOf, CancellationToken cancellationToken)
    {
        asOf ??= LedgerAsOf.Now;
        await using var command = dataSource.CreateCommand($"""
            SELECT currency, sum(amount), max(position) FROM {LedgerTables.LivePostings}
            WHERE account = $1 AND {AsOfFilter(2, 3)}
            GROUP BY currency ORDER BY currency
            """);
        command.Parameters.Add(Text(account));
        command.Parameters.Add(Long(asOf.Position));
        command.Parameters.Add(Time(asOf.At));
        var balances = new List<CurrencyAmount>();
        long? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            balances.Add(new CurrencyAmount(reader.GetString(0), reader.GetDecimal(1)));
            last = Math.Max(last ?? 0, reader.GetInt64(2));
        }
        return new AccountBalance(account, balances, last);
    }

    /// <summary>The sum of every entry per currency as of <paramref name="asOf"/>: zero in every currency for a sound ledger.</summary>
    public async Task<LedgerTotals> TotalsAsync(LedgerAsOf? asOf, CancellationToken cancellationToken)
    {
        asOf ??= LedgerAsOf.Now;
        await using var command = dataSource.CreateCommand($"""
            SELECT currency, sum(amount), count(*) FROM {LedgerTables.LivePostings}
            WHERE {AsOfFilter(1, 2)}
            GROUP BY currency ORDER BY currency
            """);
        command.Parameters.Add(Long(asOf.Position));
        command.Parameters.Add(Time(asOf.At));
        var sums = new List<CurrencyAmount>();
        long count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sums.Add(new CurrencyAmount(reader.GetString(0), reader.GetDecimal(1)));
            count += reader.GetInt64(2);
        }
        return new LedgerTotals(sums, count);
    }

    /// <summary>Every entry of one session (charges, reversals, refunds) in booking order.</summary>
    public async Task<IReadOnlyList<LedgerEntryRow>> SessionEntriesAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {EntryColumns} FROM {LedgerTables.LivePostings} WHERE session_id = $1 ORDER BY position, line_no
            """);
        command.Parameters.Add(Text(sessionId));
        var rows = new List<LedgerEntryRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadEntry(reader));
        }
        return rows;
    }

    /// <summary>The current cost of a transaction's session; null when the ledger has not seen the transaction.</summary>
    public async Task<SessionCost?> SessionCostAsync(int transactionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT s.transaction_id, s.session_id, s.status, s.unpriced_reason, s.billing_account, s.tariff_id, s.tariff_valid_from,
                   s.currency, s.energy_wh, s.net, s.vat_rate, s.vat, s.total,
                   coalesce((SELECT -sum(p.amount) FROM {LedgerTables.LivePostings} p
                             WHERE p.session_id = s.session_id AND p.kind = 'Refund' AND p.account = 'customer:' || s.billing_account), 0),
                   s.discrepancy, s.priced_position
            FROM {LedgerTables.LiveSessions} s WHERE s.transaction_id = $1
            """);
        command.Parameters.Add(Int(transactionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new SessionCost(
            reader.GetInt32(0), reader.GetString(1), reader.GetString(2), ReadOptionalString(reader, 3), ReadOptionalString(reader, 4),
            ReadOptionalString(reader, 5), ReadOptionalInstant(reader, 6), ReadOptionalString(reader, 7), ReadOptionalLong(reader, 8),
            ReadOptionalDecimal(reader, 9), ReadOptionalDecimal(reader, 10), ReadOptionalDecimal(reader, 11), ReadOptionalDecimal(reader, 12),
            reader.GetDecimal(13), ReadOptionalString(reader, 14), ReadOptionalLong(reader, 15));
    }

    /// <summary>Refunds the ledger refused, optionally of one complaint, in log order.</summary>
    public async Task<IReadOnlyList<RefundRejection>> RefundRejectionsAsync(string? complaintId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT complaint_id, resolution_id, session_id, amount, currency, reason, position, recorded_at
            FROM {LedgerTables.LiveRefundRejections} WHERE ($1::text IS NULL OR complaint_id = $1) ORDER BY position
            """);
        command.Parameters.Add(Text(complaintId));
        var rows = new List<RefundRejection>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new RefundRejection(reader.GetString(0), reader.GetString(1), ReadOptionalString(reader, 2), reader.GetDecimal(3),
                ReadOptionalString(reader, 4), reader.GetString(5), reader.GetInt64(6), ReadInstant(reader, 7)));
        }
        return rows;
    }

    private static LedgerEntryRow ReadEntry(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetDecimal(3), reader.GetString(4), reader.GetString(5),
        reader.GetString(6), ReadOptionalString(reader, 7), reader.GetFieldValue<long[]>(8), reader.GetInt64(9),
        ReadInstant(reader, 10), ReadInstant(reader, 11));
}
