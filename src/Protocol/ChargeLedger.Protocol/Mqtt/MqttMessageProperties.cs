namespace ChargeLedger.Protocol.Mqtt;

/// <summary>The optional MQTT 5 publish properties; most messages carry none and share <see cref="None"/>.</summary>
public sealed record MqttMessageProperties(
    bool PayloadIsUtf8,
    uint? MessageExpiryIntervalSeconds,
    string? ContentType,
    string? ResponseTopic,
    ReadOnlyMemory<byte> CorrelationData,
    IReadOnlyList<KeyValuePair<string, string>> UserProperties,
    IReadOnlyList<int> SubscriptionIdentifiers)
{
    public static MqttMessageProperties None { get; } =
        new(false, null, null, null, ReadOnlyMemory<byte>.Empty, [], []);
}
