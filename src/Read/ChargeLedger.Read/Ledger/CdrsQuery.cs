using NodaTime;
using Npgsql;
using static ChargeLedger.Read.Ledger.LedgerParameters;

namespace ChargeLedger.Read.Ledger;

/// <summary>
/// Reads issued CDRs (OCPI 2.2.1 JSON plus filter columns). Like OCPI's <c>date_from</c>/<c>date_to</c>, the window
/// applies to <c>last_updated</c>; credit CDRs appear in the window they were issued in.
/// </summary>
public sealed class CdrsQuery(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "cdr_id, session_id, start_at, end_at, last_updated, credit, credit_reference_id, currency, total_excl_vat, total_incl_vat, position, cdr::text, line_no";

    /// <summary>CDRs last updated in [<paramref name="from"/>, <paramref name="to"/>) as of <paramref name="asOf"/>, in issue order.</summary>
    public async Task<Page<CdrRow>> ListAsync(Instant? from, Instant? to, LedgerAsOf? asOf, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var cursor = LedgerCursor.Parse(after, nameof(after));
        asOf ??= LedgerAsOf.Now;
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM {LedgerTables.LiveCdrs}
            WHERE ($1::timestamptz IS NULL OR last_updated >= $1) AND ($2::timestamptz IS NULL OR last_updated < $2)
              AND {AsOfFilter(3, 4)} AND {AfterCursor(5, 6)}
            ORDER BY position, line_no
            LIMIT $7
            """);
        command.Parameters.Add(Time(from));
        command.Parameters.Add(Time(to));
        command.Parameters.Add(Long(asOf.Position));
        command.Parameters.Add(Time(asOf.At));
        command.Parameters.Add(Long(cursor?.Position));
        command.Parameters.Add(Int(cursor?.Line));
        command.Parameters.Add(Int(limit + 1));
        var rows = new List<(CdrRow Row, LedgerCursor Cursor)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((Read(reader), new LedgerCursor(reader.GetInt64(10), reader.GetInt32(12))));
        }
        return rows.Count > limit
            ? new Page<CdrRow>(rows.Take(limit).Select(r => r.Row).ToList(), rows[limit - 1].Cursor.ToString())
            : new Page<CdrRow>(rows.Select(r => r.Row).ToList(), null);
    }

    /// <summary>Every CDR of one session (originals and credits) in issue order.</summary>
    public async Task<IReadOnlyList<CdrRow>> ForSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM {LedgerTables.LiveCdrs} WHERE session_id = $1 ORDER BY position, line_no");
        command.Parameters.Add(Text(sessionId));
        var rows = new List<CdrRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }
        return rows;
    }

    private static CdrRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), ReadInstant(reader, 2), ReadInstant(reader, 3), ReadInstant(reader, 4), reader.GetBoolean(5),
        ReadOptionalString(reader, 6), reader.GetString(7), reader.GetDecimal(8), ReadOptionalDecimal(reader, 9), reader.GetInt64(10), reader.GetString(11));
}
