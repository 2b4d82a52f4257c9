namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>
/// The properties section (2.2.2) of a broker-to-client packet. Each property is checked for the packet types
/// that may carry it, for repeats of single-valued properties and for values the spec forbids.
/// </summary>
internal struct PacketProperties
{
    public byte? PayloadFormatIndicator;
    public uint? MessageExpiryInterval;
    public string? ContentType;
    public string? ResponseTopic;
    public byte[]? CorrelationData;
    public List<int>? SubscriptionIdentifiers;
    public uint? SessionExpiryInterval;
    public string? AssignedClientIdentifier;
    public ushort? ServerKeepAlive;
    public string? ReasonString;
    public ushort? ReceiveMaximum;
    public ushort? TopicAliasMaximum;
    public ushort? TopicAlias;
    public byte? MaximumQos;
    public byte? RetainAvailable;
    public List<KeyValuePair<string, string>>? UserProperties;
    public uint? MaximumPacketSize;
    public byte? SharedSubscriptionAvailable;

    private const int PublishBit = 1 << (int)MqttPacketType.Publish;
    private const int ConnAckBit = 1 << (int)MqttPacketType.ConnAck;
    private const int AckBits = (1 << (int)MqttPacketType.PubAck) | (1 << (int)MqttPacketType.SubAck) |
        (1 << (int)MqttPacketType.UnsubAck);
    private const int DisconnectBit = 1 << (int)MqttPacketType.Disconnect;
    private const int AuthBit = 1 << (int)MqttPacketType.Auth;

    /// <summary>Reads the property length and the properties; on failure <paramref name="error"/> says why.</summary>
    public static bool TryRead(
        ref PacketReader reader, MqttPacketType packetType, out PacketProperties properties, out MqttDecodeError error)
    {
        properties = default;
        error = default;
        if (!reader.TryVariableByteInteger("property length", out var length) ||
            !reader.TrySlice("property section", length, out var section))
        {
            error = Malformed(reader.Error!);
            return false;
        }
        ulong seen = 0;
        var packetBit = 1 << (int)packetType;
        while (section.Remaining > 0)
        {
            if (!section.TryVariableByteInteger("property identifier", out var id))
            {
                error = Malformed(section.Error!);
                return false;
            }
            var allowed = AllowedPacketTypes(id);
            if (allowed == 0)
            {
                error = Malformed($"unknown property identifier 0x{id:X2} in {packetType}");
                return false;
            }
            if ((allowed & packetBit) == 0)
            {
                error = Protocol($"property 0x{id:X2} is not allowed in {packetType}");
                return false;
            }
            var repeatable = id is 0x0B or 0x26;
            if (!repeatable)
            {
                if ((seen & (1UL << id)) != 0)
                {
                    error = Protocol($"property 0x{id:X2} appears more than once in {packetType}");
                    return false;
                }
                seen |= 1UL << id;
            }
            if (!properties.TryReadValue(ref section, id, out error))
            {
                return false;
            }
        }
        return true;
    }

    private bool TryReadValue(ref PacketReader r, int id, out MqttDecodeError error)
    {
        error = default;
        byte b;
        ushort u16;
        uint u32;
        string s;
        bool ok;
        MqttDecodeError? violation = null;
        switch (id)
        {
            case 0x01:
                ok = TryFlag(ref r, "payload format indicator", out b, ref violation);
                PayloadFormatIndicator = b;
                break;
            case 0x02:
                ok = r.TryUInt32("message expiry interval", out u32);
                MessageExpiryInterval = u32;
                break;
            case 0x03:
                ok = r.TryString("content type", out s);
                ContentType = s;
                break;
            case 0x08:
                ok = r.TryString("response topic", out s);
                ResponseTopic = s;
                break;
            case 0x09:
                ok = r.TryBinary("correlation data", out var data);
                CorrelationData = data.ToArray();
                break;
            case 0x0B:
                ok = r.TryVariableByteInteger("subscription identifier", out var subscriptionId);
                if (ok && subscriptionId == 0)
                {
                    error = Protocol("subscription identifier 0");
                    return false;
                }
                (SubscriptionIdentifiers ??= []).Add(subscriptionId);
                break;
            case 0x11:
                ok = r.TryUInt32("session expiry interval", out u32);
                SessionExpiryInterval = u32;
                break;
            case 0x12:
                ok = r.TryString("assigned client identifier", out s);
                AssignedClientIdentifier = s;
                break;
            case 0x13:
                ok = r.TryUInt16("server keep alive", out u16);
                ServerKeepAlive = u16;
                break;
            case 0x15:
            case 0x1A:
            case 0x1C:
                ok = r.TryString("string property", out _);
                break;
            case 0x16:
                ok = r.TryBinary("authentication data", out _);
                break;
            case 0x1F:
                ok = r.TryString("reason string", out s);
                ReasonString = s;
                break;
            case 0x21:
                ok = r.TryUInt16("receive maximum", out u16);
                if (ok && u16 == 0)
                {
                    error = Protocol("receive maximum 0");
                    return false;
                }
                ReceiveMaximum = u16;
                break;
            case 0x22:
                ok = r.TryUInt16("topic alias maximum", out u16);
                TopicAliasMaximum = u16;
                break;
            case 0x23:
                ok = r.TryUInt16("topic alias", out u16);
                TopicAlias = u16;
                break;
            case 0x24:
                ok = TryFlag(ref r, "maximum QoS", out b, ref violation);
                MaximumQos = b;
                break;
            case 0x25:
                ok = TryFlag(ref r, "retain available", out b, ref violation);
                RetainAvailable = b;
                break;
            case 0x26:
                ok = r.TryString("user property name", out var name) & r.TryString("user property value", out var value);
                (UserProperties ??= []).Add(new(name, value));
                break;
            case 0x27:
                ok = r.TryUInt32("maximum packet size", out u32);
                if (ok && u32 == 0)
                {
                    error = Protocol("maximum packet size 0");
                    return false;
                }
                MaximumPacketSize = u32;
                break;
            case 0x28:
            case 0x29:
                ok = TryFlag(ref r, "availability flag", out _, ref violation);
                break;
            case 0x2A:
                ok = TryFlag(ref r, "shared subscription available", out b, ref violation);
                SharedSubscriptionAvailable = b;
                break;
            default:
                error = Malformed($"unknown property identifier 0x{id:X2}");
                return false;
        }
        if (!ok)
        {
            error = violation ?? Malformed(r.Error!);
        }
        return ok;
    }

    private static bool TryFlag(ref PacketReader r, string field, out byte value, ref MqttDecodeError? violation)
    {
        if (!r.TryByte(field, out value))
        {
            return false;
        }
        if (value > 1)
        {
            violation = Protocol($"{field} must be 0 or 1, was {value}");
            return false;
        }
        return true;
    }

    private static int AllowedPacketTypes(int id) => id switch
    {
        0x01 or 0x02 or 0x03 or 0x08 or 0x09 or 0x0B or 0x23 => PublishBit,
        0x11 => ConnAckBit | DisconnectBit,
        0x12 or 0x13 or 0x1A or 0x21 or 0x22 or 0x24 or 0x25 or 0x27 or 0x28 or 0x29 or 0x2A => ConnAckBit,
        0x15 or 0x16 => ConnAckBit | AuthBit,
        0x1C => ConnAckBit | DisconnectBit,
        0x1F => ConnAckBit | AckBits | DisconnectBit | AuthBit,
        0x26 => PublishBit | ConnAckBit | AckBits | DisconnectBit | AuthBit,
        _ => 0,
    };

    public static MqttDecodeError Malformed(string message) => new(MqttReasonCode.MalformedPacket, message);

    public static MqttDecodeError Protocol(string message) => new(MqttReasonCode.ProtocolError, message);

    public readonly MqttMessageProperties? ToMessageProperties() =>
        PayloadFormatIndicator is null && MessageExpiryInterval is null && ContentType is null &&
        ResponseTopic is null && CorrelationData is null && UserProperties is null && SubscriptionIdentifiers is null
            ? null
            : new MqttMessageProperties(
                PayloadFormatIndicator == 1,
                MessageExpiryInterval,
                ContentType,
                ResponseTopic,
                CorrelationData ?? ReadOnlyMemory<byte>.Empty,
                (IReadOnlyList<KeyValuePair<string, string>>?)UserProperties ?? [],
                (IReadOnlyList<int>?)SubscriptionIdentifiers ?? []);
}
