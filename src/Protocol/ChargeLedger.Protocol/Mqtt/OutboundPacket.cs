namespace ChargeLedger.Protocol.Mqtt;

internal enum OutboundKind : byte
{
    PubAck,
    Publish,
    Subscribe,
    Unsubscribe,
    PingReq,
    Disconnect,
}

/// <summary>A packet queued for the connection's single writer; a struct so queued PUBACKs allocate nothing.</summary>
internal readonly record struct OutboundPacket(OutboundKind Kind, ushort PacketId, object? Data = null, MqttReasonCode ReasonCode = MqttReasonCode.Success);

/// <summary>A QoS 1 publish kept until its PUBACK, across reconnects.</summary>
internal sealed class PendingPublish(byte[] topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, ushort packetId, long sequence)
{
    public byte[] Topic { get; } = topic;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public MqttQos Qos { get; } = qos;

    public bool Retain { get; } = retain;

    public ushort PacketId { get; } = packetId;

    public long Sequence { get; } = sequence;

    /// <summary>Set once written to a connection, so a resend after reconnect carries DUP.</summary>
    public bool Sent { get; set; }

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement.</summary>
internal sealed class PendingControl(OutboundKind kind, object filters)
{
    public OutboundKind Kind { get; } = kind;

    /// <summary>IReadOnlyList of MqttSubscription for Subscribe, of string for Unsubscribe.</summary>
    public object Filters { get; } = filters;

    public TaskCompletionSource<byte[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
