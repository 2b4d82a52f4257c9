namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>What the broker granted in CONNACK; absent properties carry the spec defaults.</summary>
public sealed record MqttConnAck(
    bool SessionPresent,
    MqttReasonCode ReasonCode,
    ushort ReceiveMaximum,
    uint? MaximumPacketSize,
    byte MaximumQos,
    bool RetainAvailable,
    bool SharedSubscriptionAvailable,
    string? AssignedClientIdentifier,
    ushort? ServerKeepAliveSeconds,
    uint? SessionExpiryIntervalSeconds,
    string? ReasonString);
