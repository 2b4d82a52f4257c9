using System.Collections.Concurrent;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Protocol.Tests.Mqtt;

internal static class TestClients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static string UniqueId(string purpose) => $"clt-{purpose}-{Guid.NewGuid():N}"[..Math.Min(60, purpose.Length + 37)];

    public static MqttClientOptions Options(string clientId, int? port = null) => new()
    {
        Host = TestServices.MqttHost,
        Port = port ?? TestServices.MqttPort,
        ClientId = clientId,
        Username = TestServices.MqttUsername,
        Password = TestServices.MqttPassword is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : null,
        KeepAlive = TimeSpan.FromSeconds(10),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        SessionExpiryIntervalSeconds = 300,
    };

    /// <summary>The broker account as mosquitto_pub/mosquitto_sub arguments (none while the broker has no accounts).</summary>
    public static string[] CredentialArguments() =>
        TestServices.MqttUsername is { } username ? ["-u", username, "-P", TestServices.MqttPassword ?? string.Empty] : [];

    public static async Task<MqttClient> StartAsync(MqttClientOptions options)
    {
        var client = new MqttClient(options);
        using var cancel = new CancellationTokenSource(Patience);
        await client.StartAsync(cancel.Token);
        return client;
    }

    /// <summary>Reads messages until <paramref name="count"/> arrived or the patience runs out.</summary>
    public static async Task<List<MqttMessage>> ReceiveAsync(MqttClient client, int count, bool acknowledge = true)
    {
        var received = new List<MqttMessage>();
        using var cancel = new CancellationTokenSource(Patience);
        while (received.Count < count)
        {
            var message = await client.Messages.ReadAsync(cancel.Token);
            received.Add(message);
            if (acknowledge)
            {
                await message.AckAsync(cancel.Token);
            }
        }
        return received;
    }

    /// <summary>Collects status changes so tests can await them.</summary>
    public static ConcurrentQueue<MqttStatusChange> Record(MqttClient client)
    {
        var changes = new ConcurrentQueue<MqttStatusChange>();
        client.StatusChanged += changes.Enqueue;
        return changes;
    }

    public static string Text(MqttMessage message) => System.Text.Encoding.UTF8.GetString(message.Payload.Span);
}
