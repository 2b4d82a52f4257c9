using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Ingest.Tests;

/// <summary>Plays the EMQX OCPP gateway: publishes charge point frames upstream and records what comes downstream.</summary>
public sealed class GatewaySimulator : IAsyncDisposable
{
    private readonly MqttClient client;
    private readonly OcppTopics topics;
    private readonly ConcurrentQueue<(string Topic, JsonElement Frame)> received = new();
    private readonly CancellationTokenSource stop = new();
    private Task? reading;

    private GatewaySimulator(OcppTopics topics)
    {
        this.topics = topics;
        client = new MqttClient(new MqttClientOptions
        {
            Host = TestServices.MqttHost,
            Port = TestServices.MqttPort,
            Username = TestServices.MqttUsername,
            Password = TestServices.MqttPassword is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : null,
            ClientId = "gw-" + Guid.NewGuid().ToString("N")[..12],
            CleanStart = true,
            SessionExpiryIntervalSeconds = 0,
        });
    }

    public static async Task<GatewaySimulator> StartAsync(OcppTopics topics)
    {
        var simulator = new GatewaySimulator(topics);
        await simulator.client.StartAsync(CancellationToken.None);
        await simulator.client.SubscribeAsync(topics.Filter(OcppTopicKind.Downstream), MqttQos.AtLeastOnce, CancellationToken.None);
        simulator.reading = Task.Run(simulator.ReadAsync);
        return simulator;
    }

    public IReadOnlyList<(string Topic, JsonElement Frame)> Received => received.ToList();

    public Task CallAsync(string cid, string uniqueId, string action, string payloadJson) =>
        PublishAsync(topics.Upstream(cid), $$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payloadJson}}}""");

    public Task PublishAsync(string topic, string text) => PublishAsync(topic, Encoding.UTF8.GetBytes(text));

    public Task PublishAsync(string topic, byte[] payload) => client.PublishAsync(topic, payload, MqttQos.AtLeastOnce);

    /// <summary>Frames sent to <paramref name="cid"/> with this UniqueId, once at least <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<JsonElement>> FramesAsync(string cid, string uniqueId, int count = 1)
    {
        var topic = topics.Downstream(cid);
        return await Eventually.ReturnsAsync(
            () => Task.FromResult<IReadOnlyList<JsonElement>>(received.Where(r => r.Topic == topic && r.Frame.GetProperty("UniqueId").GetString() == uniqueId).Select(r => r.Frame).ToList()),
            frames => frames.Count >= count,
            TimeSpan.FromSeconds(45),
            $"{count} frame(s) {uniqueId} to {cid}");
    }

    public async Task<JsonElement> PayloadAsync(string cid, string uniqueId) => (await FramesAsync(cid, uniqueId))[0].GetProperty("Payload");

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await reading!;
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
            received.Enqueue((message.Topic, JsonDocument.Parse(message.Payload).RootElement.Clone()));
            await message.AckAsync();
        }
    }
}
