namespace ChargeLedger.Protocol.Mqtt;

/// <summary>The broker refused an operation, or the connection broke the protocol; carries the reason code.</summary>
public sealed class MqttProtocolException(MqttReasonCode reasonCode, string message) : Exception(message)
{
    public MqttReasonCode ReasonCode { get; } = reasonCode;
}
