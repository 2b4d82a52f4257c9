using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>Gateway connect/disconnect notices (EMQX <c>$SYS</c> event payloads: times in epoch milliseconds).</summary>
internal static class NoticeDecoder
{
    public static InboundMessage Decode(string chargePointId, bool connected, JsonElement root, Instant receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new InboundMessage.Invalid(chargePointId, null, "notice is not a JSON object", null, false);
        }

        var brokerTime = Millis(root, connected ? "connected_at" : "disconnected_at") ?? Millis(root, "ts");
        if (connected)
        {
            var address = String(root, "ipaddress");
            return new InboundMessage.Notice(chargePointId, new NoteConnected(chargePointId, address, brokerTime, receivedAt), brokerTime);
        }

        return new InboundMessage.Notice(chargePointId, new NoteDisconnected(chargePointId, String(root, "reason"), brokerTime, receivedAt), brokerTime);
    }

    private static Instant? Millis(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms)
            && ms is > 0 and < 253_402_300_800_000
            ? Instant.FromUnixTimeMilliseconds(ms)
            : null;

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !text.Contains('\0', StringComparison.Ordinal)
            ? text
            : null;
}
