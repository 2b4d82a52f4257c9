using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Truth;

/// <summary>
/// A network-wide energy-only tariff: what a session must cost is exact from the truth's kWh. Net and VAT are each
/// rounded to cents (half away from zero), as the billing domain does.
/// </summary>
public sealed record FlatTariff(decimal PricePerKwh, decimal VatPercent)
{
    public (decimal Net, decimal Vat) Price(long energyWh)
    {
        var net = Math.Round(energyWh * PricePerKwh / 1000m, 2, MidpointRounding.AwayFromZero);
        return (net, Math.Round(net * VatPercent / 100m, 2, MidpointRounding.AwayFromZero));
    }
}

/// <summary>
/// Compares the ground truth with the API's <c>GET /transactions/{id}</c> (issue 6 field names): identity, connector,
/// idTag, meter start/stop, energy and device times must match exactly; with a <see cref="FlatTariff"/>, every session's
/// cost too, and the ledger (receivable from the unassigned customer, revenue, VAT payable) must hold exactly those
/// amounts and sum to zero. Returns one line per mismatch.
/// </summary>
public static class TruthCheck
{
    private const string Customer = "customer:unassigned";
    private const string Revenue = "revenue:charging";

    public static async Task<IReadOnlyList<string>> CompareAsync(GroundTruth truth, HttpClient api, FlatTariff? tariff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(api);
        var mismatches = new List<string>();
        foreach (var reused in truth.Sessions.Where(s => s.TransactionId is not null).GroupBy(s => s.TransactionId).Where(g => g.Count() > 1))
        {
            mismatches.Add($"transaction {reused.Key} was given to {reused.Count()} sessions");
        }
        foreach (var session in truth.Sessions)
        {
            var label = $"{session.ChargePointId} {session.StartedAt}";
            if (session.TransactionId is not { } id || !session.Completed)
            {
                mismatches.Add($"{label}: the simulator could not complete the session (transaction {session.TransactionId?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
                continue;
            }
            using var response = await api.GetAsync(new Uri($"transactions/{id}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                mismatches.Add($"{label}: GET /transactions/{id} answered {(int)response.StatusCode}");
                continue;
            }
            var actual = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            void Expect(string field, object expected, bool equal, string? shown)
            {
                if (!equal)
                {
                    mismatches.Add($"{label} transaction {id}: {field} expected {expected}, API says {shown ?? "nothing"}");
                }
            }
            Expect("chargePointId", session.ChargePointId, Text(actual, "chargePointId") == session.ChargePointId, Text(actual, "chargePointId"));
            Expect("connectorId", session.ConnectorId, Number(actual, "connectorId") == session.ConnectorId, Number(actual, "connectorId")?.ToString(CultureInfo.InvariantCulture));
            Expect("idTag", session.IdTag, string.Equals(Text(actual, "idTag"), session.IdTag, StringComparison.OrdinalIgnoreCase), Text(actual, "idTag"));
            Expect("meterStartWh", session.MeterStartWh, Number(actual, "meterStartWh") == session.MeterStartWh, Number(actual, "meterStartWh")?.ToString(CultureInfo.InvariantCulture));
            Expect("meterStopWh", session.MeterStopWh, Number(actual, "meterStopWh") == session.MeterStopWh, Number(actual, "meterStopWh")?.ToString(CultureInfo.InvariantCulture));
            Expect("energyWh", session.EnergyWh, Number(actual, "energyWh") == session.EnergyWh, Number(actual, "energyWh")?.ToString(CultureInfo.InvariantCulture));
            Expect("startedAt", session.StartedAt, SameInstant(Text(actual, "startedAt"), session.StartedAt), Text(actual, "startedAt"));
            Expect("stoppedAt", session.StoppedAt!, SameInstant(Text(actual, "stoppedAt"), session.StoppedAt), Text(actual, "stoppedAt"));
            if (tariff is not null)
            {
                var (net, vat) = tariff.Price(session.EnergyWh);
                var cost = actual.TryGetProperty("cost", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
                var status = cost.ValueKind == JsonValueKind.Object ? Text(cost, "status") : null;
                var total = status == "priced" && cost.TryGetProperty("amount", out var amount) ? Amount(amount) : null;
                Expect("cost", net + vat, total == net + vat, status == "priced" ? total?.ToString(CultureInfo.InvariantCulture) : status);
            }
        }
        if (tariff is not null)
        {
            await CompareLedgerAsync(truth, api, tariff, mismatches, cancellationToken).ConfigureAwait(false);
        }
        return mismatches;
    }

    private static async Task CompareLedgerAsync(GroundTruth truth, HttpClient api, FlatTariff tariff, List<string> mismatches, CancellationToken cancellationToken)
    {
        var prices = truth.Sessions.Where(s => s.Completed).Select(s => tariff.Price(s.EnergyWh)).ToList();
        var expected = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            [Customer] = prices.Sum(p => p.Net + p.Vat),
            [Revenue] = -prices.Sum(p => p.Net),
            ["vat-payable:" + tariff.VatPercent.ToString("0.####", CultureInfo.InvariantCulture)] = -prices.Sum(p => p.Vat),
        };
        var sum = 0m;
        foreach (var (account, amount) in expected)
        {
            using var response = await api.GetAsync(new Uri($"ledger/accounts/{Uri.EscapeDataString(account)}/balance", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                mismatches.Add($"ledger {account}: GET balance answered {(int)response.StatusCode}");
                continue;
            }
            var balance = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            var balances = balance.TryGetProperty("balances", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            var actual = balances.Count == 1 ? Amount(balances[0]) : null;
            sum += actual ?? 0m;
            if (actual != amount)
            {
                mismatches.Add($"ledger {account}: balance expected {amount.ToString(CultureInfo.InvariantCulture)}, API says {balance}");
            }
        }
        if (sum != 0m)
        {
            mismatches.Add($"ledger: the accounts sum to {sum.ToString(CultureInfo.InvariantCulture)}, not zero");
        }
    }

    private static decimal? Amount(JsonElement money) =>
        Text(money, "amount") is { } text && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static bool SameInstant(string? actual, string? expected) =>
        OcppDateTime.TryParse(actual, out var a) && OcppDateTime.TryParse(expected, out var e) && a == e;
}
