namespace ChargeLedger.Protocol.Mqtt;

/// <summary>Delivery guarantee of a publish or subscription. QoS 2 is deliberately not supported.</summary>
public enum MqttQos : byte
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}
