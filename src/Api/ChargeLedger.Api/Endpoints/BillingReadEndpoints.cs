using System.Globalization;
using System.Text;
using System.Text.Json;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Read.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChargeLedger.Api.Endpoints;

/// <summary>The ledger and CDRs, as they stand now or as of an instant or log position.</summary>
public static class BillingReadEndpoints
{
    public static async Task<Ok<ItemsPage<LedgerEntry>>> EntriesAsync(
        string account, string? from, string? to, string? asOf, string? cursor, int? limit, LedgerQuery query, CancellationToken cancellationToken)
    {
        var page = await query.EntriesAsync(account, ApiInput.Instant(from, "from"), ApiInput.Instant(to, "to"), AsOf(asOf),
            LedgerCursorOf(cursor), ApiInput.Limit(limit), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ItemsPage<LedgerEntry>([.. page.Items.Select(LedgerEntry.From)], page.NextCursor is { } next ? Cursor.Encode(next) : null));
    }

    public static async Task<Results<Ok<Balance>, ProblemHttpResult>> BalanceAsync(string account, string? asOf, LedgerQuery query, CancellationToken cancellationToken)
    {
        var balance = await query.BalanceAsync(account, AsOf(asOf), cancellationToken).ConfigureAwait(false);
        return balance.Balances.Count == 0
            ? ApiProblems.NotFound("account", $"The account '{account}' has no entries (as of the time asked).")
            : TypedResults.Ok(new Balance(balance.Account, [.. balance.Balances.Select(b => Money.Of(b.Amount, b.Currency))], balance.AsOfPosition));
    }

    /// <summary>JSON (OCPI CDR objects) by default; CSV, one row per CDR, for <c>Accept: text/csv</c>; both paged by cursor.</summary>
    public static async Task<Results<Ok<CdrPage>, ContentHttpResult>> CdrsAsync(
        string? from, string? to, string? asOf, string? cursor, int? limit, HttpContext http, CdrsQuery query, CancellationToken cancellationToken)
    {
        var page = await query.ListAsync(ApiInput.Instant(from, "from"), ApiInput.Instant(to, "to"), AsOf(asOf), LedgerCursorOf(cursor),
            ApiInput.Limit(limit), cancellationToken).ConfigureAwait(false);
        var next = page.NextCursor is { } n ? Cursor.Encode(n) : null;
        if (!http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Ok(new CdrPage([.. page.Items.Select(c => JsonDocument.Parse(c.Json).RootElement.Clone())], next));
        }
        if (next is not null)
        {
            http.Response.Headers["X-Next-Cursor"] = next;
            http.Response.Headers.Link = $"<{http.Request.Path}?{Query(http, next)}>; rel=\"next\"";
        }
        return TypedResults.Content(Csv(page.Items), "text/csv; charset=utf-8");
    }

    private static string Csv(IReadOnlyList<CdrRow> rows)
    {
        var csv = new StringBuilder("cdr_id,session_id,start_date_time,end_date_time,last_updated,credit,credit_reference_id,currency,total_excl_vat,total_incl_vat,position\r\n");
        foreach (var c in rows)
        {
            csv.AppendJoin(',',
                Field(c.CdrId), Field(c.SessionId), Field(c.StartDateTime.ToString()), Field(c.EndDateTime.ToString()), Field(c.LastUpdated.ToString()),
                c.Credit ? "true" : "false", Field(c.CreditReferenceId ?? ""), Field(c.Currency),
                c.TotalExclVat.ToString(CultureInfo.InvariantCulture), c.TotalInclVat?.ToString(CultureInfo.InvariantCulture) ?? "",
                c.Position.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting, and a leading quote for values a spreadsheet would run as a formula.</summary>
    private static string Field(string value)
    {
        var safe = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    private static string Query(HttpContext http, string next) =>
        string.Join('&', http.Request.Query.Where(q => q.Key != "cursor").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append("cursor=" + Uri.EscapeDataString(next)));

    /// <summary><c>asOf</c> is an ISO 8601 instant, or a log position (an integer) for an exact replayable state.</summary>
    private static LedgerAsOf? AsOf(string? asOf) =>
        string.IsNullOrWhiteSpace(asOf) ? null
        : long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? new LedgerAsOf(Position: position)
        : new LedgerAsOf(At: ApiInput.Instant(asOf, "asOf"));

    private static string? LedgerCursorOf(string? cursor) =>
        Cursor.Decode(cursor) is not { } text ? null
        : LedgerCursor.TryParse(text, out _) ? text
        : throw new ApiInputException("cursor", $"'{cursor}' is not a cursor returned by this API.");
}
