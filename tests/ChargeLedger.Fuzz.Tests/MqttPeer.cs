using System.Collections.Concurrent;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>A test's own MQTT client (unique client id, broker credentials from the environment) that publishes and records what it receives.</summary>
public sealed class MqttPeer : IAsyncDisposable
{
    private readonly MqttClient client;
    private readonly ConcurrentQueue<(string Topic, byte[] Payload)> received = new();
    private readonly CancellationTokenSource stop = new();
    private Task reading = Task.CompletedTask;

    private MqttPeer(string name) => client = new MqttClient(new MqttClientOptions
    {
        Host = TestServices.MqttHost,
        Port = TestServices.MqttPort,
        ClientId = $"{name}-{Guid.NewGuid():N}"[..23],
        Username = MqttCredentials.Username,
        Password = MqttCredentials.PasswordBytes,
        CleanStart = true,
        SessionExpiryIntervalSeconds = 0,
    });

    public IReadOnlyList<(string Topic, byte[] Payload)> Received => [.. received];

    public static async Task<MqttPeer> StartAsync(string name, params string[] filters)
    {
        var peer = new MqttPeer(name);
        await peer.client.StartAsync(CancellationToken.None);
        foreach (var filter in filters)
        {
            await peer.client.SubscribeAsync(filter, MqttQos.AtLeastOnce, CancellationToken.None);
        }
        peer.reading = Task.Run(peer.ReadAsync);
        return peer;
    }

    public Task PublishAsync(string topic, byte[] payload) => client.PublishAsync(topic, payload, MqttQos.AtLeastOnce);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await reading;
        }
        catch (OperationCanceledException)
        {
        }
        await client.DisposeAsync();
        stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await foreach (var message in client.Messages.ReadAllAsync(stop.Token))
        {
            received.Enqueue((message.Topic, message.Payload.ToArray()));
            await message.AckAsync();
        }
    }
}
