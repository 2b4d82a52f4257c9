using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class BrokerRestartTests
{
    [Fact]
    public async Task GivenAStreamOfQos1Messages_WhenTheBrokerRestartsMidStream_ThenBothClientsReconnectAndNothingIsLost()
    {
        await using var broker = new PrivateBroker();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await broker.StartAsync(cancel.Token);
        var topic = $"restart/{Guid.NewGuid():N}";
        await using var subscriber = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("rsub"), broker.Port));
        var subscriberChanges = TestClients.Record(subscriber);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce, cancel.Token);
        await using var publisher = await TestClients.StartAsync(TestClients.Options(TestClients.UniqueId("rpub"), broker.Port));
        const int count = 2000;
        var received = new ConcurrentDictionary<string, int>();
        var consuming = Task.Run(async () =>
        {
            await foreach (var message in subscriber.Messages.ReadAllAsync(cancel.Token))
            {
                received.AddOrUpdate(TestClients.Text(message), 1, (_, n) => n + 1);
                await message.AckAsync(cancel.Token);
                if (received.Count == count)
                {
                    return;
                }
            }
        });

        var publishing = Task.Run(async () =>
        {
            var inFlight = new List<Task>();
            for (var i = 0; i < count; i++)
            {
                inFlight.Add(publisher.PublishAsync(topic, Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)), MqttQos.AtLeastOnce, cancellationToken: cancel.Token));
                if (inFlight.Count == 50)
                {
                    await Task.WhenAll(inFlight);
                    inFlight.Clear();
                }
            }
            await Task.WhenAll(inFlight);
        });
        await Eventually.TrueAsync(() => Task.FromResult(received.Count > count / 4), TestClients.Patience, "a quarter of the stream");
        await broker.StopAsync(cancel.Token);
        await broker.StartAsync(cancel.Token);

        var publisherChanges = TestClients.Record(publisher);
        try
        {
            await publishing;
            await consuming;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"received {received.Count}/{count}; publishing {publishing.Status}; subscriber: {string.Join(" | ", subscriberChanges)}; publisher: {string.Join(" | ", publisherChanges)}");
        }
        Assert.Equal(count, received.Count);
        Assert.Contains(subscriberChanges, c => c.Status == MqttClientStatus.Disconnected);
        Assert.Equal(MqttClientStatus.Connected, subscriber.Status);
    }
}
