namespace ChargeLedger.Protocol.Mqtt;

/// <summary>
/// A message delivered by the broker. For QoS 1 the broker keeps it (and redelivers it after a reconnect)
/// until <see cref="AckAsync"/> is called: acknowledge only once the message's effects are durable.
/// </summary>
public sealed class MqttMessage
{
    private MqttClient? _owner;
    private long _connectionEpoch;
    private int _acknowledged;

    internal MqttMessage(
        string topic,
        ReadOnlyMemory<byte> payload,
        MqttQos qos,
        bool retain,
        bool duplicate,
        ushort packetId,
        MqttMessageProperties? properties)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        Duplicate = duplicate;
        PacketId = packetId;
        Properties = properties ?? MqttMessageProperties.None;
    }

    public string Topic { get; }

    /// <summary>The payload bytes, owned by this message (safe to keep after acknowledging).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    public MqttQos Qos { get; }

    public bool Retain { get; }

    /// <summary>Set when the broker says it may have delivered this message before (redelivery).</summary>
    public bool Duplicate { get; }

    public MqttMessageProperties Properties { get; }

    internal ushort PacketId { get; }

    internal long ConnectionEpoch => _connectionEpoch;

    internal void Attach(MqttClient owner, long connectionEpoch)
    {
        _owner = owner;
        _connectionEpoch = connectionEpoch;
    }

    /// <summary>Claims the single acknowledgement of this message; false if it was already claimed.</summary>
    internal bool TryClaimAcknowledgement() => Interlocked.Exchange(ref _acknowledged, 1) == 0;

    /// <summary>
    /// Sends the PUBACK (batched with others). Returns false when the message came over a connection that has
    /// since dropped: the broker will redeliver it, so the caller must treat it as not acknowledged.
    /// QoS 0 messages need no acknowledgement and return true.
    /// </summary>
    public ValueTask<bool> AckAsync(CancellationToken cancellationToken = default) =>
        _owner is null
            ? ValueTask.FromResult(Qos == MqttQos.AtMostOnce)
            : _owner.AcknowledgeAsync(this, cancellationToken);

    public override string ToString() => $"{Topic} ({Payload.Length} bytes, QoS {(byte)Qos}{(Duplicate ? ", dup" : "")})";
}
