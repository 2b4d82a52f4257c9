using ChargeLedger.Primitives;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.EventStore;

/// <summary>EventMetadata as stored in the json <c>metadata</c> column; absent values are omitted.</summary>
internal static class MetadataJson
{
    // Every appended event serializes its metadata: one buffer per thread instead of one per event.
    [ThreadStatic]
    private static Buffers? perThread;

    /// <summary>
    /// Writes the canonical form directly (keys in ordinal order, <see cref="CanonicalJson"/> string escaping), so the
    /// append path need not canonicalize what it just produced. Throws when a value holds U+0000, which jsonb cannot store.
    /// </summary>
    public static byte[] Serialize(EventMetadata metadata)
    {
        var buffers = perThread ??= new Buffers();
        var output = buffers.Output;
        output.Clear();
        output.Write((byte)'{');
        Id("causationId"u8, metadata.CausationId);
        Text("chargePointId"u8, metadata.ChargePointId);
        Id("correlationId"u8, metadata.CorrelationId);
        Time("deviceTime"u8, metadata.DeviceTime);
        Text("ocppMessageId"u8, metadata.OcppMessageId);
        Text("raw"u8, metadata.Raw);
        Time("receivedAt"u8, metadata.ReceivedAt);
        Text("source"u8, metadata.Source);
        Text("topic"u8, metadata.Topic);
        output.Write((byte)'}');
        return output.ToArray();

        void Text(ReadOnlySpan<byte> name, string? value)
        {
            if (value is null)
            {
                return;
            }
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new InvalidEventException($"Event metadata '{Encoding.UTF8.GetString(name)}' contains U+0000, which PostgreSQL jsonb cannot store.");
            }
            Name(name);
            var text = buffers.Text;
            text.Clear();
            text.Advance(Encoding.UTF8.GetBytes(value, text.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
            CanonicalJson.WriteString(text.WrittenSpan, output);
        }

        void Id(ReadOnlySpan<byte> name, Guid? value)
        {
            if (value is not { } id)
            {
                return;
            }
            Name(name);
            output.Write((byte)'"');
            id.TryFormat(output.GetSpan(36), out var written);
            output.Advance(written);
            output.Write((byte)'"');
        }

        void Time(ReadOnlySpan<byte> name, Instant? value)
        {
            if (value is not { } instant)
            {
                return;
            }
            Name(name);
            output.Write((byte)'"');
            WriteInstant(instant, output);
            output.Write((byte)'"');
        }

        void Name(ReadOnlySpan<byte> name)
        {
            if (output.Length > 1)
            {
                output.Write((byte)',');
            }
            output.Write((byte)'"');
            output.Write(name);
            output.Write("\":"u8);
        }
    }

    /// <summary>The ISO-8601 text of <see cref="InstantPattern.ExtendedIso"/> (fraction without trailing zeros), written without the pattern engine.</summary>
    internal static void WriteInstant(Instant instant, ByteBuffer output)
    {
        if (IsoInstantUtf8.TryFormat(instant, output.GetSpan(IsoInstantUtf8.MaxLength), out var written))
        {
            output.Advance(written);
        }
        else
        {
            output.Write(Encoding.UTF8.GetBytes(InstantPattern.ExtendedIso.Format(instant)));
        }
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote (or any JSON object of those members) from its UTF-8 bytes.</summary>
    public static EventMetadata Deserialize(ReadOnlySpan<byte> json)
    {
        Guid? correlationId = null, causationId = null;
        string? source = null, topic = null, chargePointId = null, ocppMessageId = null, raw = null;
        Instant? deviceTime = null, receivedAt = null;
        var reader = new Utf8JsonReader(json);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // ValueTextEquals compares the unescaped name, so hand-written metadata with escaped names reads the same.
                var member = reader;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                }
                else if (member.ValueTextEquals("raw"u8)) raw = reader.GetString();
                else if (member.ValueTextEquals("receivedAt"u8)) receivedAt = ReadInstant(ref reader);
                else if (member.ValueTextEquals("deviceTime"u8)) deviceTime = ReadInstant(ref reader);
                else if (member.ValueTextEquals("topic"u8)) topic = reader.GetString();
                else if (member.ValueTextEquals("chargePointId"u8)) chargePointId = reader.GetString();
                else if (member.ValueTextEquals("ocppMessageId"u8)) ocppMessageId = reader.GetString();
                else if (member.ValueTextEquals("source"u8)) source = reader.GetString();
                else if (member.ValueTextEquals("correlationId"u8)) correlationId = reader.GetGuid();
                else if (member.ValueTextEquals("causationId"u8)) causationId = reader.GetGuid();
            }
        }
        return new EventMetadata(correlationId, causationId, source, topic, chargePointId, ocppMessageId, deviceTime, receivedAt, raw);
    }

    private static Instant ReadInstant(ref Utf8JsonReader reader) =>
        !reader.ValueIsEscaped && IsoInstantUtf8.TryParse(reader.ValueSpan, out var instant)
            ? instant
            : InstantPattern.ExtendedIso.Parse(reader.GetString()!).Value;

    private sealed class Buffers
    {
        public ByteBuffer Output { get; } = new(512);

        public ByteBuffer Text { get; } = new(256);
    }
}
