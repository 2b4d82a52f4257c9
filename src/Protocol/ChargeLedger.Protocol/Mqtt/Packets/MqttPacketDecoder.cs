using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>
/// Decodes broker-to-client packets. A pure function over the received bytes: it never throws on bad input,
/// never reads past the buffer and never buffers more than <c>maximumPacketSize</c>, so it can be fuzzed.
/// </summary>
internal static class MqttPacketDecoder
{
    private const int MaxFixedHeader = 5;

    /// <param name="buffer">Bytes received and not yet consumed.</param>
    /// <param name="maximumPacketSize">The limit we announced in CONNECT; a bigger packet is rejected from its header.</param>
    /// <param name="packet">The packet when <see cref="MqttDecodeStatus.Complete"/>.</param>
    /// <param name="consumed">Bytes the packet occupied when complete.</param>
    /// <param name="error">Why the bytes were rejected when <see cref="MqttDecodeStatus.Invalid"/>.</param>
    public static MqttDecodeStatus TryDecode(
        in ReadOnlySequence<byte> buffer,
        uint maximumPacketSize,
        out InboundPacket packet,
        out int consumed,
        out MqttDecodeError error)
    {
        packet = default;
        consumed = 0;
        error = default;
        Span<byte> header = stackalloc byte[MaxFixedHeader];
        var headerLength = (int)Math.Min(buffer.Length, MaxFixedHeader);
        if (headerLength < 2)
        {
            return MqttDecodeStatus.NeedMoreData;
        }
        buffer.Slice(0, headerLength).CopyTo(header);
        header = header[..headerLength];
        switch (VariableByteInteger.TryRead(header[1..], out var remainingLength, out var lengthBytes))
        {
            case VariableByteInteger.Status.Truncated:
                return MqttDecodeStatus.NeedMoreData;
            case VariableByteInteger.Status.TooLong:
                error = PacketProperties.Malformed("remaining length is longer than 4 bytes");
                return MqttDecodeStatus.Invalid;
            case VariableByteInteger.Status.NotMinimal:
                error = PacketProperties.Malformed("remaining length is not encoded in the minimum number of bytes");
                return MqttDecodeStatus.Invalid;
        }
        var packetSize = 1L + lengthBytes + remainingLength;
        if (packetSize > maximumPacketSize)
        {
            error = new MqttDecodeError(
                MqttReasonCode.PacketTooLarge,
                $"packet of {packetSize} bytes exceeds the maximum packet size {maximumPacketSize}");
            return MqttDecodeStatus.Invalid;
        }
        if (buffer.Length < packetSize)
        {
            return MqttDecodeStatus.NeedMoreData;
        }
        var body = buffer.Slice(1 + lengthBytes, remainingLength);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> span;
            if (body.IsSingleSegment)
            {
                span = body.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(remainingLength);
                body.CopyTo(rented);
                span = rented.AsSpan(0, remainingLength);
            }
            if (!TryDecodeBody(header[0], span, out packet, out error))
            {
                return MqttDecodeStatus.Invalid;
            }
            consumed = (int)packetSize;
            return MqttDecodeStatus.Complete;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool TryDecodeBody(byte first, ReadOnlySpan<byte> body, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        var type = (MqttPacketType)(first >> 4);
        var flags = first & 0x0F;
        if (type == MqttPacketType.Reserved)
        {
            error = PacketProperties.Malformed("packet type 0 is reserved");
            return false;
        }
        if (type is MqttPacketType.Connect or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe or MqttPacketType.PingReq)
        {
            error = PacketProperties.Protocol($"{type} is only sent by clients");
            return false;
        }
        if (type != MqttPacketType.Publish && flags != (type == MqttPacketType.PubRel ? 2 : 0))
        {
            error = PacketProperties.Malformed($"{type} with reserved flags 0x{flags:X}");
            return false;
        }
        var reader = new PacketReader(body);
        return type switch
        {
            MqttPacketType.ConnAck => TryConnAck(ref reader, out packet, out error),
            MqttPacketType.Publish => TryPublish(ref reader, flags, out packet, out error),
            MqttPacketType.PubAck => TryAck(ref reader, type, out packet, out error),
            MqttPacketType.SubAck or MqttPacketType.UnsubAck => TrySubscribeAck(ref reader, type, out packet, out error),
            MqttPacketType.PingResp => TryEmpty(ref reader, type, out packet, out error),
            MqttPacketType.Disconnect => TryDisconnect(ref reader, out packet, out error),
            MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp => Reject(
                PacketProperties.Protocol($"{type} belongs to QoS 2, which this client never uses"), out error),
            MqttPacketType.Auth => Reject(
                PacketProperties.Protocol("AUTH received but no authentication method was requested"), out error),
            _ => Reject(PacketProperties.Protocol($"unexpected {type}"), out error),
        };
    }

    private static bool Reject(MqttDecodeError reason, out MqttDecodeError error)
    {
        error = reason;
        return false;
    }

    private static bool TryConnAck(ref PacketReader r, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        if (!r.TryByte("connect acknowledge flags", out var ackFlags) || !r.TryByte("reason code", out var reason))
        {
            return Reject(PacketProperties.Malformed(r.Error!), out error);
        }
        if ((ackFlags & 0xFE) != 0)
        {
            return Reject(PacketProperties.Malformed($"CONNACK flags 0x{ackFlags:X2} set reserved bits"), out error);
        }
        if (!PacketProperties.TryRead(ref r, MqttPacketType.ConnAck, out var p, out error) || !NothingLeft(ref r, "CONNACK", out error))
        {
            return false;
        }
        var connAck = new MqttConnAck(
            SessionPresent: (ackFlags & 1) == 1,
            ReasonCode: (MqttReasonCode)reason,
            ReceiveMaximum: p.ReceiveMaximum ?? ushort.MaxValue,
            MaximumPacketSize: p.MaximumPacketSize,
            MaximumQos: p.MaximumQos ?? 2,
            RetainAvailable: p.RetainAvailable != 0,
            SharedSubscriptionAvailable: p.SharedSubscriptionAvailable != 0,
            AssignedClientIdentifier: p.AssignedClientIdentifier,
            ServerKeepAliveSeconds: p.ServerKeepAlive,
            SessionExpiryIntervalSeconds: p.SessionExpiryInterval,
            ReasonString: p.ReasonString);
        packet = new InboundPacket { Type = MqttPacketType.ConnAck, ReasonCode = connAck.ReasonCode, ConnAck = connAck };
        return true;
    }

    private static bool TryPublish(ref PacketReader r, int flags, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        var qos = (flags >> 1) & 3;
        var dup = (flags & 8) != 0;
        if (qos == 3)
        {
            return Reject(PacketProperties.Malformed("PUBLISH with QoS 3"), out error);
        }
        if (qos == 2)
        {
            return Reject(new MqttDecodeError(MqttReasonCode.QosNotSupported, "PUBLISH with QoS 2 to a client that subscribed at most QoS 1"), out error);
        }
        if (qos == 0 && dup)
        {
            return Reject(PacketProperties.Malformed("PUBLISH with QoS 0 and the DUP flag"), out error);
        }
        if (!r.TryUtf8("topic name", out var topicBytes))
        {
            return Reject(PacketProperties.Malformed(r.Error!), out error);
        }
        if (topicBytes.IndexOfAny((byte)'+', (byte)'#') >= 0)
        {
            return Reject(new MqttDecodeError(MqttReasonCode.TopicNameInvalid, "topic name contains a wildcard"), out error);
        }
        ushort packetId = 0;
        if (qos > 0)
        {
            if (!r.TryUInt16("packet identifier", out packetId))
            {
                return Reject(PacketProperties.Malformed(r.Error!), out error);
            }
            if (packetId == 0)
            {
                return Reject(PacketProperties.Malformed("PUBLISH with packet identifier 0"), out error);
            }
        }
        if (!PacketProperties.TryRead(ref r, MqttPacketType.Publish, out var p, out error))
        {
            return false;
        }
        if (p.TopicAlias is not null)
        {
            return Reject(new MqttDecodeError(MqttReasonCode.TopicAliasInvalid, "topic alias used although Topic Alias Maximum is 0"), out error);
        }
        if (topicBytes.IsEmpty)
        {
            return Reject(PacketProperties.Protocol("PUBLISH with an empty topic name and no topic alias"), out error);
        }
        var payload = r.TakeRest();
        if (p.PayloadFormatIndicator == 1 && !Utf8.IsValid(payload))
        {
            return Reject(new MqttDecodeError(MqttReasonCode.PayloadFormatInvalid, "payload marked UTF-8 is not well-formed UTF-8"), out error);
        }
        var message = new MqttMessage(
            Encoding.UTF8.GetString(topicBytes),
            payload.ToArray(),
            (MqttQos)qos,
            retain: (flags & 1) != 0,
            duplicate: dup,
            packetId,
            p.ToMessageProperties());
        packet = new InboundPacket { Type = MqttPacketType.Publish, PacketId = packetId, Message = message };
        return true;
    }

    private static bool TryAck(ref PacketReader r, MqttPacketType type, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        error = default;
        if (!TryPacketId(ref r, type, out var packetId, out error))
        {
            return false;
        }
        var reason = MqttReasonCode.Success;
        PacketProperties p = default;
        if (r.Remaining > 0)
        {
            if (!r.TryByte("reason code", out var code))
            {
                return Reject(PacketProperties.Malformed(r.Error!), out error);
            }
            reason = (MqttReasonCode)code;
            if (r.Remaining > 0 && !PacketProperties.TryRead(ref r, type, out p, out error))
            {
                return false;
            }
        }
        if (!NothingLeft(ref r, type.ToString(), out error))
        {
            return false;
        }
        packet = new InboundPacket { Type = type, PacketId = packetId, ReasonCode = reason, ReasonString = p.ReasonString };
        return true;
    }

    private static bool TrySubscribeAck(ref PacketReader r, MqttPacketType type, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        if (!TryPacketId(ref r, type, out var packetId, out error) ||
            !PacketProperties.TryRead(ref r, type, out var p, out error))
        {
            return false;
        }
        if (r.Remaining == 0)
        {
            return Reject(PacketProperties.Protocol($"{type} without reason codes"), out error);
        }
        packet = new InboundPacket { Type = type, PacketId = packetId, ReasonCodes = r.TakeRest().ToArray(), ReasonString = p.ReasonString };
        return true;
    }

    private static bool TryEmpty(ref PacketReader r, MqttPacketType type, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = new InboundPacket { Type = type };
        return NothingLeft(ref r, type.ToString(), out error);
    }

    private static bool TryDisconnect(ref PacketReader r, out InboundPacket packet, out MqttDecodeError error)
    {
        packet = default;
        error = default;
        var reason = MqttReasonCode.Success;
        PacketProperties p = default;
        if (r.Remaining > 0)
        {
            if (!r.TryByte("reason code", out var code))
            {
                return Reject(PacketProperties.Malformed(r.Error!), out error);
            }
            reason = (MqttReasonCode)code;
            if (r.Remaining > 0 && !PacketProperties.TryRead(ref r, MqttPacketType.Disconnect, out p, out error))
            {
                return false;
            }
        }
        if (!NothingLeft(ref r, "DISCONNECT", out error))
        {
            return false;
        }
        packet = new InboundPacket { Type = MqttPacketType.Disconnect, ReasonCode = reason, ReasonString = p.ReasonString };
        return true;
    }

    private static bool TryPacketId(ref PacketReader r, MqttPacketType type, out ushort packetId, out MqttDecodeError error)
    {
        error = default;
        if (!r.TryUInt16("packet identifier", out packetId))
        {
            return Reject(PacketProperties.Malformed(r.Error!), out error);
        }
        return packetId != 0 || Reject(PacketProperties.Malformed($"{type} with packet identifier 0"), out error);
    }

    private static bool NothingLeft(ref PacketReader r, string what, out MqttDecodeError error)
    {
        error = default;
        return r.Remaining == 0 ||
            Reject(PacketProperties.Malformed($"{r.Remaining} unexpected bytes after the end of {what}"), out error);
    }
}
