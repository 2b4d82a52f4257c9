using System.Globalization;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class InteropTests
{
    private static string Port => TestServices.MqttPort.ToString(CultureInfo.InvariantCulture);

    private static string[] Mosquitto => ["-h", TestServices.MqttHost, "-p", Port, "-V", "mqttv5", .. TestClients.CredentialArguments()];

    private static string BrokerUrl => $"mqtt://{TestServices.MqttHost}:{Port}";

    [Fact]
    public async Task GivenOurSubscription_WhenMosquittoPubPublishesAtQos1_ThenEveryMessageArrivesIntact()
    {
        var topic = $"interop/{Guid.NewGuid():N}/in";
        await using var client = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("mpub")));
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            await PeerProcess.RunAsync(TestClients.Patience, "mosquitto_pub", [.. Mosquitto, "-q", "1", "-t", topic, "-m", $"{{\"n\":{i},\"ü\":\"€\"}}"]);
        }

        var received = await TestClients.ReceiveAsync(client, 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{{\"n\":{i},\"ü\":\"€\"}}"), received.Select(TestClients.Text));
        Assert.All(received, m => Assert.Equal(topic, m.Topic));
    }

    [Fact]
    public async Task GivenMosquittoSub_WhenWePublishAtQos1_ThenItPrintsEveryMessage()
    {
        var topic = $"interop/{Guid.NewGuid():N}/out";
        await using var sub = PeerProcess.Start("mosquitto_sub", [.. Mosquitto, "-q", "1", "-t", topic, "-i", TestClients.UniqueId("msub")]);
        await using var client = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("pub")));
        // mosquitto_sub prints nothing when subscribed, so publish a probe until one comes through; probes still in
        // flight may print later, so they are filtered out rather than counted.
        await Eventually.TrueAsync(
            async () =>
            {
                await client.PublishAsync(topic, Encoding.UTF8.GetBytes("probe"), MqttQos.AtLeastOnce);
                return !sub.Lines.IsEmpty;
            },
            TestClients.Patience,
            "mosquitto_sub to subscribe");

        for (var i = 0; i < 20; i++)
        {
            await client.PublishAsync(topic, Encoding.UTF8.GetBytes($"m{i}"), MqttQos.AtLeastOnce);
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(sub.Lines.Contains("m19")),
            TestClients.Patience,
            "mosquitto_sub to print the last message");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), sub.Lines.Where(l => l != "probe"));
    }

    [Fact]
    public async Task GivenOurSubscription_WhenMqttJsPublishes_ThenEveryMessageArrivesOnce()
    {
        var topic = $"interop/{Guid.NewGuid():N}/js-in";
        await using var client = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("jsin")));
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, CancellationToken.None);

        await PeerProcess.RunAsync(TestClients.Patience, "node", "mqttjs-peer.js", "publish", BrokerUrl, TestClients.UniqueId("jspub"), topic, "50");

        var received = await TestClients.ReceiveAsync(client, 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString(CultureInfo.InvariantCulture)), received.Select(TestClients.Text));
    }

    [Fact]
    public async Task GivenMqttJsSubscription_WhenWePublish_ThenItReceivesEveryMessage()
    {
        var topic = $"interop/{Guid.NewGuid():N}/js-out";
        await using var sub = PeerProcess.Start("node", "mqttjs-peer.js", "subscribe", BrokerUrl, TestClients.UniqueId("jssub"), topic, "30");
        await Eventually.TrueAsync(() => Task.FromResult(sub.Lines.Contains("ready") || sub.HasExited), TestClients.Patience, "MQTT.js to subscribe");
        await using var client = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("jsout")));

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => client.PublishAsync(topic, Encoding.UTF8.GetBytes($"m{i}"), MqttQos.AtLeastOnce)));

        using var cancel = new CancellationTokenSource(TestClients.Patience);
        await sub.WaitForExitAsync(cancel.Token);
        Assert.Equal(0, sub.ExitCode);
        Assert.Equal(
            Enumerable.Range(0, 30).Select(i => $"{topic} m{i}").Order(),
            sub.Lines.Where(l => l != "ready").Order());
    }
}
