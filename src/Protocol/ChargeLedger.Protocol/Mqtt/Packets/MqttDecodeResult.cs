namespace ChargeLedger.Protocol.Mqtt.Packets;

/// <summary>Outcome of one decode attempt over the bytes received so far.</summary>
public enum MqttDecodeStatus
{
    /// <summary>One whole packet was decoded; the consumed byte count says where the next one starts.</summary>
    Complete,

    /// <summary>The buffer holds only the start of a packet; read more and try again.</summary>
    NeedMoreData,

    /// <summary>The bytes break the protocol; the connection must be closed with the error's reason code.</summary>
    Invalid,
}

/// <summary>Why the bytes were rejected: the reason code to send in DISCONNECT and a message to log.</summary>
public readonly record struct MqttDecodeError(MqttReasonCode ReasonCode, string Message)
{
    public override string ToString() => $"{ReasonCode} (0x{(byte)ReasonCode:X2}): {Message}";
}
