using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class DeliveryGuaranteeTests
{
    [Fact]
    public async Task GivenOneAckedAndOneUnackedMessage_WhenTheConnectionDiesAndTheSameClientIdReconnects_ThenOnlyTheUnackedOneIsRedelivered()
    {
        var topic = $"redeliver/{Guid.NewGuid():N}";
        var clientId = TestClients.UniqueId("redeliver");
        await using var publisher = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("rpub")));

        var first = await TestClients.StartAsync(TestClients.Options(clientId));
        await first.SubscribeAsync(topic, MqttQos.AtLeastOnce, CancellationToken.None);
        await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes("acked"), MqttQos.AtLeastOnce);
        await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes("unacked"), MqttQos.AtLeastOnce);
        var received = await TestClients.ReceiveAsync(first, 2, acknowledge: false);
        Assert.True(await received[0].AckAsync());
        // Make sure the broker processed the PUBACK before the "crash": a round trip through the same connection.
        await first.PublishAsync($"{topic}/fence", Encoding.UTF8.GetBytes("fence"), MqttQos.AtLeastOnce);
        first.AbortConnection();
        await first.DisposeAsync();
        Assert.False(await received[1].AckAsync(), "an ack for a message of a dead connection must not count");

        await using var second = await TestClients.StartAsync(TestClients.Options(clientId));
        await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes("after"), MqttQos.AtLeastOnce);
        var redelivered = await TestClients.ReceiveAsync(second, 2);

        Assert.Equal(["unacked", "after"], redelivered.Select(TestClients.Text));
        Assert.True(redelivered[0].Duplicate);
    }

    [Fact]
    public async Task GivenAnUnackedMessage_WhenTheClientReconnectsOnItsOwn_ThenTheOldAckIsRefusedAndTheRedeliveryCanBeAcked()
    {
        var topic = $"reconnect/{Guid.NewGuid():N}";
        var clientId = TestClients.UniqueId("reconnect");
        await using var publisher = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("rcpub")));
        var client = await TestClients.StartAsync(TestClients.Options(clientId));
        var changes = TestClients.Record(client);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, CancellationToken.None);
        await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes("once"), MqttQos.AtLeastOnce);
        var original = (await TestClients.ReceiveAsync(client, 1, acknowledge: false))[0];

        client.AbortConnection();
        var redelivered = (await TestClients.ReceiveAsync(client, 1, acknowledge: false))[0];

        Assert.False(await original.AckAsync(), "the ack of a message from the dropped connection must be refused");
        Assert.True(await redelivered.AckAsync());
        Assert.Equal("once", TestClients.Text(redelivered));
        Assert.True(redelivered.Duplicate);
        Assert.Contains(changes, c => c.Status == MqttClientStatus.Connected && c.SessionPresent);
        await client.PublishAsync($"{topic}/fence", Encoding.UTF8.GetBytes("fence"), MqttQos.AtLeastOnce);
        await client.DisconnectAsync();
        await client.DisposeAsync();

        await using var again = await TestClients.StartAsync(TestClients.Options(clientId));
        await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes("next"), MqttQos.AtLeastOnce);
        Assert.Equal(["next"], (await TestClients.ReceiveAsync(again, 1)).Select(TestClients.Text));
    }

    [Fact]
    public async Task GivenTwoClientsInOneSharedSubscription_WhenManyMessagesArePublished_ThenTogetherTheyReceiveEachExactlyOnce()
    {
        var topic = $"shared/{Guid.NewGuid():N}/cp/1";
        var group = "g" + Guid.NewGuid().ToString("N")[..8];
        var filter = MqttSubscription.Shared(group, topic);
        await using var a = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("sharea")));
        await using var b = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("shareb")));
        await a.SubscribeAsync([filter], CancellationToken.None);
        await b.SubscribeAsync([filter], CancellationToken.None);
        await using var publisher = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("sharepub")));
        const int count = 400;

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => publisher.PublishAsync(topic, Encoding.UTF8.GetBytes($"m{i}"), MqttQos.AtLeastOnce)));

        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var cancel = new CancellationTokenSource(TestClients.Patience);
        async Task Drain(MqttClient client)
        {
            while (!cancel.IsCancellationRequested && seen.Count < count)
            {
                try
                {
                    using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
                    poll.CancelAfter(TimeSpan.FromMilliseconds(500));
                    var message = await client.Messages.ReadAsync(poll.Token);
                    seen.Add(TestClients.Text(message));
                    await message.AckAsync();
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                }
            }
        }
        await Task.WhenAll(Drain(a), Drain(b));

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}").Order(), seen.Order());
        Assert.True(a.Messages.Count == 0 && b.Messages.Count == 0, "no extra deliveries");
    }
}
