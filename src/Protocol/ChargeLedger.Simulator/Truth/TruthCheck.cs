using System.Net.Http.Json;
using System.Text.Json;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Truth;

/// <summary>
/// Compares the ground truth with the API's <c>GET /transactions/{id}</c> (issue 6 field names): identity, connector,
/// idTag, meter start/stop, energy and device times must match exactly. Returns one line per mismatch.
/// </summary>
public static class TruthCheck
{
    public static async Task<IReadOnlyList<string>> CompareAsync(GroundTruth truth, HttpClient api, CancellationToken cancellationToken)
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
                mismatches.Add($"{label}: the simulator could not complete the session (transaction {session.TransactionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
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
            Expect("connectorId", session.ConnectorId, Number(actual, "connectorId") == session.ConnectorId, Number(actual, "connectorId")?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expect("idTag", session.IdTag, string.Equals(Text(actual, "idTag"), session.IdTag, StringComparison.OrdinalIgnoreCase), Text(actual, "idTag"));
            Expect("meterStartWh", session.MeterStartWh, Number(actual, "meterStartWh") == session.MeterStartWh, Number(actual, "meterStartWh")?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expect("meterStopWh", session.MeterStopWh, Number(actual, "meterStopWh") == session.MeterStopWh, Number(actual, "meterStopWh")?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expect("energyWh", session.EnergyWh, Number(actual, "energyWh") == session.EnergyWh, Number(actual, "energyWh")?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expect("startedAt", session.StartedAt, SameInstant(Text(actual, "startedAt"), session.StartedAt), Text(actual, "startedAt"));
            Expect("stoppedAt", session.StoppedAt!, SameInstant(Text(actual, "stoppedAt"), session.StoppedAt), Text(actual, "stoppedAt"));
        }
        return mismatches;
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static bool SameInstant(string? actual, string? expected) =>
        OcppDateTime.TryParse(actual, out var a) && OcppDateTime.TryParse(expected, out var e) && a == e;
}
