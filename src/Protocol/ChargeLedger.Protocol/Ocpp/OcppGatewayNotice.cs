using System.Buffers;
using System.Text.Json;
using NodaTime;

namespace ChargeLedger.Protocol.Ocpp;

public enum OcppGatewayEvent
{
    Connected,
    Disconnected,
}

/// <summary>
/// The EMQX gateway's <c>$SYS/brokers/{node}/gateway/ocpp/clients/{cid}/connected|disconnected</c> notice.
/// Times are the gateway's millisecond timestamps; <see cref="RawText"/> keeps the payload as received.
/// </summary>
public sealed record OcppGatewayNotice(
    OcppGatewayEvent Event,
    string Node,
    string ChargePointId,
    string? Username,
    string? IpAddress,
    Instant? ConnectedAt,
    Instant? DisconnectedAt,
    Instant? Timestamp,
    string? Reason,
    int? KeepAliveSeconds)
{
    public const string SubscriptionFilter = "$SYS/brokers/+/gateway/ocpp/clients/+/+";

    public const string DefaultPrefix = "$SYS/";

    public string? RawText { get; init; }

    /// <summary>Subscription filter for both notice kinds under <paramref name="prefix"/>.</summary>
    public static string SubscriptionFilterUnder(string prefix) => prefix + "brokers/+/gateway/ocpp/clients/+/+";

    /// <summary>
    /// Recognises a notice topic (<c>{prefix}brokers/{node}/gateway/ocpp/clients/{cid}/connected|disconnected</c>)
    /// without reading a payload.
    /// </summary>
    public static bool TryMatch(string topic, string prefix, out OcppGatewayEvent kind, out string node, out string chargePointId)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(prefix);
        kind = default;
        node = chargePointId = string.Empty;
        if (!topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = topic[prefix.Length..].Split('/');
        if (parts.Length != 7 || parts[0] != "brokers" || parts[2] != "gateway" || parts[3] != "ocpp" || parts[4] != "clients" || parts[5].Length == 0)
        {
            return false;
        }
        switch (parts[6])
        {
            case "connected": kind = OcppGatewayEvent.Connected; break;
            case "disconnected": kind = OcppGatewayEvent.Disconnected; break;
            default: return false;
        }
        node = parts[1];
        chargePointId = parts[5];
        return true;
    }

    public string Topic => TopicUnder(DefaultPrefix);

    /// <summary>The notice's topic under <paramref name="prefix"/> (<c>$SYS/</c> for EMQX itself).</summary>
    public string TopicUnder(string prefix) => $"{prefix}brokers/{Node}/gateway/ocpp/clients/{ChargePointId}/{(Event == OcppGatewayEvent.Connected ? "connected" : "disconnected")}";

    /// <summary>Reads a notice; null when the topic is not a gateway notice or the payload is not a JSON object.</summary>
    public static OcppGatewayNotice? TryParse(string topic, ReadOnlySpan<byte> payload) => TryParse(topic, payload, DefaultPrefix);

    /// <summary>
    /// As <see cref="TryParse(string, ReadOnlySpan{byte})"/> for notices republished under another
    /// <paramref name="prefix"/> (e.g. <c>chargeledger/sys/</c> instead of <c>$SYS/</c>).
    /// </summary>
    public static OcppGatewayNotice? TryParse(string topic, ReadOnlySpan<byte> payload, string prefix)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!TryMatch(topic, prefix, out var kind, out var node, out var topicClientId))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new OcppGatewayNotice(
                kind,
                node,
                String(root, "clientid") ?? topicClientId,
                String(root, "username"),
                String(root, "ipaddress"),
                Millis(root, "connected_at"),
                Millis(root, "disconnected_at"),
                Millis(root, "ts"),
                String(root, "reason"),
                root.TryGetProperty("keepalive", out var keepAlive) && keepAlive.TryGetInt32(out var seconds) ? seconds : null)
            {
                RawText = System.Text.Encoding.UTF8.GetString(payload),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string value holding invalid UTF-8 (JsonDocument checks it only when read).
            return null;
        }
    }

    /// <summary>The payload as the gateway writes it (for simulators and tests).</summary>
    public byte[] ToPayload()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("clientid", ChargePointId);
            writer.WriteString("username", Username);
            writer.WriteString("ipaddress", IpAddress);
            writer.WriteString("protocol", "ocpp");
            writer.WriteString("proto_name", "OCPP");
            writer.WriteString("proto_ver", "1.6");
            WriteMillis(writer, "connected_at", ConnectedAt);
            if (Event == OcppGatewayEvent.Disconnected)
            {
                WriteMillis(writer, "disconnected_at", DisconnectedAt);
                writer.WriteString("reason", Reason);
            }
            else
            {
                writer.WriteNumber("keepalive", KeepAliveSeconds ?? 60);
                writer.WriteBoolean("clean_start", true);
                writer.WriteNumber("expiry_interval", 0);
            }
            WriteMillis(writer, "ts", Timestamp);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMillis(Utf8JsonWriter writer, string name, Instant? value)
    {
        if (value is { } instant)
        {
            writer.WriteNumber(name, instant.ToUnixTimeMilliseconds());
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Instant? Millis(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt64(out var ms) && ms is > -62135596800000 and < 253402300799999
            ? Instant.FromUnixTimeMilliseconds(ms)
            : null;
}
