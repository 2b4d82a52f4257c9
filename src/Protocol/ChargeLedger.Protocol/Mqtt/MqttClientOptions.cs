namespace ChargeLedger.Protocol.Mqtt;

/// <summary>
/// Connection settings. The defaults give a durable session: clean start off and a session expiry, so the broker
/// keeps subscriptions and unacknowledged QoS 1 messages while the process is down.
/// </summary>
public sealed record MqttClientOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public required string ClientId { get; init; }

    public string? Username { get; init; }

    public byte[]? Password { get; init; }

    /// <summary>Null for plain TCP.</summary>
    public MqttTlsOptions? Tls { get; init; }

    public bool CleanStart { get; init; }

    public uint SessionExpiryIntervalSeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Rounded to whole seconds; a PINGREQ goes out when nothing else was sent for half of it.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many unacknowledged QoS 1 messages the broker may have in flight to us.</summary>
    public ushort ReceiveMaximum { get; init; } = 4096;

    /// <summary>Largest packet we accept; the broker is told, and a bigger one closes the connection (0x95).</summary>
    public uint MaximumPacketSize { get; init; } = 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Received messages waiting for the application; the socket is not read while this is full.</summary>
    public int InboundQueueCapacity { get; init; } = 16_384;

    /// <summary>QoS 1 publishes not yet acknowledged by the broker; PublishAsync waits for room beyond this.</summary>
    public int MaxPendingPublishes { get; init; } = 16_384;
}
