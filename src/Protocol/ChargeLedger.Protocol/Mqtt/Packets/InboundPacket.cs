namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>One decoded broker-to-client packet. A struct so acknowledgements and pings allocate nothing.</summary>
internal readonly struct InboundPacket
{
    public MqttPacketType Type { get; init; }

    public ushort PacketId { get; init; }

    public MqttReasonCode ReasonCode { get; init; }

    public string? ReasonString { get; init; }

    /// <summary>PUBLISH only.</summary>
    public MqttMessage? Message { get; init; }

    /// <summary>CONNACK only.</summary>
    public MqttConnAck? ConnAck { get; init; }

    /// <summary>SUBACK/UNSUBACK only: one reason code per requested filter.</summary>
    public byte[]? ReasonCodes { get; init; }
}
