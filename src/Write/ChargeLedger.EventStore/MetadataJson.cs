using System.Buffers;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.EventStore;

/// <summary>EventMetadata as stored in the jsonb <c>metadata</c> column; absent values are omitted.</summary>
internal static class MetadataJson
{
    /// <summary>
    /// Writes the canonical form directly (keys in ordinal order, <see cref="CanonicalJson"/> string escaping), so the
    /// append path need not canonicalize what it just produced. Throws when a value holds U+0000, which jsonb cannot store.
    /// </summary>
    public static byte[] Serialize(EventMetadata metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var first = true;
        buffer.Write("{"u8);
        Member("causationId"u8, metadata.CausationId?.ToString());
        Member("chargePointId"u8, metadata.ChargePointId);
        Member("correlationId"u8, metadata.CorrelationId?.ToString());
        Member("deviceTime"u8, Format(metadata.DeviceTime));
        Member("ocppMessageId"u8, metadata.OcppMessageId);
        Member("raw"u8, metadata.Raw);
        Member("receivedAt"u8, Format(metadata.ReceivedAt));
        Member("source"u8, metadata.Source);
        Member("topic"u8, metadata.Topic);
        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();

        void Member(ReadOnlySpan<byte> name, string? value)
        {
            if (value is null)
            {
                return;
            }
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidEventException($"Event metadata '{Encoding.UTF8.GetString(name)}' contains U+0000, which PostgreSQL jsonb cannot store.");
            }
            if (!first)
            {
                buffer.Write(","u8);
            }
            first = false;
            CanonicalJson.WriteString(name, buffer);
            buffer.Write(":"u8);
            CanonicalJson.WriteString(Encoding.UTF8.GetBytes(value), buffer);
        }
    }

    public static EventMetadata Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new EventMetadata(
            CorrelationId: Get(root, "correlationId") is { } correlation ? Guid.Parse(correlation) : null,
            CausationId: Get(root, "causationId") is { } causation ? Guid.Parse(causation) : null,
            Source: Get(root, "source"),
            Topic: Get(root, "topic"),
            ChargePointId: Get(root, "chargePointId"),
            OcppMessageId: Get(root, "ocppMessageId"),
            DeviceTime: Parse(Get(root, "deviceTime")),
            ReceivedAt: Parse(Get(root, "receivedAt")),
            Raw: Get(root, "raw"));
    }

    private static string? Format(Instant? instant) => instant is { } value ? InstantPattern.ExtendedIso.Format(value) : null;

    private static Instant? Parse(string? text) => text is null ? null : InstantPattern.ExtendedIso.Parse(text).Value;

    private static string? Get(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
