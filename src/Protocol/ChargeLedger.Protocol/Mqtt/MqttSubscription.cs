namespace ChargeLedger.Protocol.Mqtt;

/// <summary>
/// A topic filter and the maximum QoS wanted. Shared subscriptions use the filter <c>$share/{group}/{filter}</c>:
/// the broker hands each message to one member of the group.
/// </summary>
public sealed record MqttSubscription(string TopicFilter, MqttQos Qos = MqttQos.AtLeastOnce)
{
    public static MqttSubscription Shared(string group, string topicFilter, MqttQos qos = MqttQos.AtLeastOnce) =>
        new($"$share/{group}/{topicFilter}", qos);

    public bool IsShared => TopicFilter.StartsWith("$share/", StringComparison.Ordinal);
}
