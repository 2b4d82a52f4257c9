using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>Encodes client-to-broker packets straight into the connection's output buffer.</summary>
internal static class MqttPacketWriter
{
    public static void WriteConnect(IBufferWriter<byte> output, MqttClientOptions options, ushort keepAliveSeconds)
    {
        var clientId = Encoding.UTF8.GetBytes(options.ClientId);
        var username = options.Username is null ? null : Encoding.UTF8.GetBytes(options.Username);
        var password = options.Password;
        // Session Expiry (5) + Receive Maximum (3) + Maximum Packet Size (5)
        const int propertiesLength = 13;
        var remaining = 10 + 1 + propertiesLength + 2 + clientId.Length +
            (username is null ? 0 : 2 + username.Length) + (password is null ? 0 : 2 + password.Length);
        var span = Begin(output, 0x10, remaining, out var total);
        var w = new SpanWriter(span);
        w.Bytes([0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5]);
        var flags = (byte)((options.CleanStart ? 0x02 : 0) | (username is null ? 0 : 0x80) | (password is null ? 0 : 0x40));
        w.Byte(flags);
        w.UInt16(keepAliveSeconds);
        w.Byte(propertiesLength);
        w.Byte(0x11);
        w.UInt32(options.SessionExpiryIntervalSeconds);
        w.Byte(0x21);
        w.UInt16(options.ReceiveMaximum);
        w.Byte(0x27);
        w.UInt32(options.MaximumPacketSize);
        w.Binary(clientId);
        if (username is not null)
        {
            w.Binary(username);
        }
        if (password is not null)
        {
            w.Binary(password);
        }
        output.Advance(total);
    }

    /// <summary>Bytes a PUBLISH occupies on the wire, to check it against the broker's maximum packet size.</summary>
    public static long PublishSize(int topicBytes, int payloadBytes, MqttQos qos)
    {
        var remaining = 2L + topicBytes + (qos == MqttQos.AtMostOnce ? 0 : 2) + 1 + payloadBytes;
        return 1 + VariableByteInteger.SizeOf((int)Math.Min(remaining, VariableByteInteger.MaxValue)) + remaining;
    }

    public static void WritePublish(
        IBufferWriter<byte> output, byte[] topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain, bool duplicate, ushort packetId)
    {
        var remaining = 2 + topic.Length + (qos == MqttQos.AtMostOnce ? 0 : 2) + 1 + payload.Length;
        var first = (byte)(0x30 | (duplicate ? 0x08 : 0) | ((byte)qos << 1) | (retain ? 1 : 0));
        var span = Begin(output, first, remaining, out var total);
        var w = new SpanWriter(span);
        w.Binary(topic);
        if (qos != MqttQos.AtMostOnce)
        {
            w.UInt16(packetId);
        }
        w.Byte(0);
        w.Bytes(payload);
        output.Advance(total);
    }

    public static void WritePubAck(IBufferWriter<byte> output, ushort packetId)
    {
        var span = output.GetSpan(4);
        span[0] = 0x40;
        span[1] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        output.Advance(4);
    }

    public static void WriteSubscribe(IBufferWriter<byte> output, ushort packetId, IReadOnlyList<MqttSubscription> subscriptions)
    {
        var filters = new byte[subscriptions.Count][];
        var remaining = 2 + 1;
        for (var i = 0; i < filters.Length; i++)
        {
            filters[i] = Encoding.UTF8.GetBytes(subscriptions[i].TopicFilter);
            remaining += 2 + filters[i].Length + 1;
        }
        var span = Begin(output, 0x82, remaining, out var total);
        var w = new SpanWriter(span);
        w.UInt16(packetId);
        w.Byte(0);
        for (var i = 0; i < filters.Length; i++)
        {
            w.Binary(filters[i]);
            w.Byte((byte)subscriptions[i].Qos);
        }
        output.Advance(total);
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> output, ushort packetId, IReadOnlyList<string> topicFilters)
    {
        var filters = topicFilters.Select(Encoding.UTF8.GetBytes).ToArray();
        var remaining = 2 + 1 + filters.Sum(f => 2 + f.Length);
        var span = Begin(output, 0xA2, remaining, out var total);
        var w = new SpanWriter(span);
        w.UInt16(packetId);
        w.Byte(0);
        foreach (var filter in filters)
        {
            w.Binary(filter);
        }
        output.Advance(total);
    }

    public static void WritePingReq(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(2);
        span[0] = 0xC0;
        span[1] = 0;
        output.Advance(2);
    }

    public static void WriteDisconnect(IBufferWriter<byte> output, MqttReasonCode reasonCode)
    {
        var span = output.GetSpan(3);
        span[0] = 0xE0;
        span[1] = 1;
        span[2] = (byte)reasonCode;
        output.Advance(3);
    }

    private static Span<byte> Begin(IBufferWriter<byte> output, byte first, int remaining, out int total)
    {
        var lengthBytes = VariableByteInteger.SizeOf(remaining);
        total = 1 + lengthBytes + remaining;
        var span = output.GetSpan(total)[..total];
        span[0] = first;
        VariableByteInteger.Write(span[1..], remaining);
        return span[(1 + lengthBytes)..];
    }

    private ref struct SpanWriter(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _position;

        public void Byte(byte value) => _span[_position++] = value;

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], value);
            _position += 2;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_span[_position..], value);
            _position += 4;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_span[_position..]);
            _position += value.Length;
        }

        public void Binary(ReadOnlySpan<byte> value)
        {
            UInt16((ushort)value.Length);
            Bytes(value);
        }
    }
}
