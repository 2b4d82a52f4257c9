namespace ChargeLedger.Protocol.Mqtt;

public enum MqttClientStatus
{
    Connecting,
    Connected,
    Disconnected,
    Stopped,
}

/// <summary>
/// A change of connection state, raised on <see cref="MqttClient.StatusChanged"/>. On Disconnected the reason says why
/// (broker DISCONNECT, socket error, keep-alive timeout, malformed packet with its reason code) so it can be logged.
/// </summary>
public sealed record MqttStatusChange(
    MqttClientStatus Status,
    string Reason,
    MqttReasonCode? ReasonCode = null,
    bool SessionPresent = false,
    Exception? Error = null);
