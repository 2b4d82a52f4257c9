using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Gateway.Tests;

/// <summary>
/// Plays the Central System over MQTT under a private mount point: records everything under the mount point and the
/// notice prefix, and answers CP CALLs with canned replies (transaction ids from 42 upwards).
/// </summary>
public sealed class TestCentralSystem : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _nextTransactionId = 42;

    private TestCentralSystem(MqttClient client, string mountPoint, string noticePrefix, int heartbeatInterval)
    {
        _client = client;
        MountPoint = mountPoint;
        NoticePrefix = noticePrefix;
        HeartbeatInterval = heartbeatInterval;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public string MountPoint { get; }

    public string NoticePrefix { get; }

    public int HeartbeatInterval { get; set; }

    public ConcurrentQueue<(string Topic, JsonObject Json)> Received { get; } = new();

    public static async Task<TestCentralSystem> StartAsync(string host, int port, string mountPoint, string noticePrefix, int heartbeatInterval = 300)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = "gw-test-cs-" + Guid.NewGuid().ToString("N"),
            Username = TestServices.MqttUsername,
            Password = TestServices.MqttPassword is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : null,
            CleanStart = true,
            SessionExpiryIntervalSeconds = 0,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.StartAsync(timeout.Token);
        await client.SubscribeAsync([new MqttSubscription(mountPoint + "cp/#"), new MqttSubscription(noticePrefix + "brokers/#")], timeout.Token);
        return new TestCentralSystem(client, mountPoint, noticePrefix, heartbeatInterval);
    }

    public Task PublishDownstreamAsync(string chargePointId, string json) =>
        _client.PublishAsync($"{MountPoint}cs/{chargePointId}", System.Text.Encoding.UTF8.GetBytes(json), MqttQos.AtLeastOnce);

    public IEnumerable<JsonObject> On(string topic) => Received.Where(m => m.Topic == topic).Select(m => m.Json);

    public Task<JsonObject> WaitForAsync(string topic, Func<JsonObject, bool> match, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(On(topic).FirstOrDefault(match)), found => found is not null, TimeSpan.FromSeconds(45), what)!;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _client.Messages.ReadAllAsync(cancellationToken))
            {
                var json = JsonNode.Parse(message.Payload.Span)!.AsObject();
                Received.Enqueue((message.Topic, json));
                await message.AckAsync(cancellationToken);
                if (message.Topic.StartsWith(MountPoint + "cp/", StringComparison.Ordinal) && !message.Topic.EndsWith("/Reply", StringComparison.Ordinal) &&
                    (int)json["MessageTypeId"]! == 2)
                {
                    var cid = message.Topic[(MountPoint.Length + 3)..];
                    var reply = new JsonObject { ["MessageTypeId"] = 3, ["UniqueId"] = (string)json["UniqueId"]!, ["Payload"] = Answer((string)json["Action"]!) };
                    await PublishDownstreamAsync(cid, reply.ToJsonString());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private JsonObject Answer(string action)
    {
        var now = OcppDateTime.Format(NodaTime.SystemClock.Instance.GetCurrentInstant());
        var accepted = new JsonObject { ["status"] = "Accepted" };
        return action switch
        {
            "BootNotification" => new JsonObject { ["status"] = "Accepted", ["currentTime"] = now, ["interval"] = HeartbeatInterval },
            "Heartbeat" => new JsonObject { ["currentTime"] = now },
            "Authorize" => new JsonObject { ["idTagInfo"] = accepted },
            "StartTransaction" => new JsonObject { ["transactionId"] = Interlocked.Increment(ref _nextTransactionId) - 1, ["idTagInfo"] = accepted },
            "StopTransaction" => new JsonObject { ["idTagInfo"] = accepted },
            _ => new JsonObject(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
