using ChargeLedger.Protocol.Mqtt;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class HostileBrokerTests
{
    private static readonly byte[] PlainConnAck = [0x20, 0x03, 0x00, 0x00, 0x00];

    public static TheoryData<string, byte[], MqttReasonCode> HostilePackets => new()
    {
        { "topic length beyond the packet", [0x32, 0x03, 0x00, 0x10, 0x61], MqttReasonCode.MalformedPacket },
        { "invalid UTF-8 in the topic", [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00], MqttReasonCode.MalformedPacket },
        { "remaining length of five bytes", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], MqttReasonCode.MalformedPacket },
        { "a client-only SUBSCRIBE", [0x82, 0x02, 0x00, 0x01], MqttReasonCode.ProtocolError },
        { "a packet beyond our maximum size", [0x30, 0xFF, 0xFF, 0xFF, 0x7F], MqttReasonCode.PacketTooLarge },
        { "an unknown property", [0x30, 0x06, 0x00, 0x01, 0x61, 0x01, 0x7F, 0x00], MqttReasonCode.MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(HostilePackets))]
    public async Task GivenAConnectedClient_WhenTheBrokerSendsAHostilePacket_ThenTheClientDisconnectsWithTheReasonCodeAndReportsIt(
        string what, byte[] packet, MqttReasonCode expected)
    {
        await using var broker = new FakeBroker();
        using var cancel = new CancellationTokenSource(TestClients.Patience);
        await using var client = new MqttClient(TestClients.Options(TestClients.UniqueId("hostile"), broker.Port));
        var changes = TestClients.Record(client);
        var accepting = broker.AcceptAsync(PlainConnAck, cancel.Token);
        await client.StartAsync(cancel.Token);
        await accepting;

        await broker.SendAsync(packet, cancel.Token);

        var (first, body) = await broker.ReadPacketAsync(cancel.Token);
        Assert.True(first == 0xE0, $"expected DISCONNECT after {what}, got 0x{first:X2}");
        Assert.Equal((byte)expected, body[0]);
        var reported = await TestSupport.Eventually.ReturnsAsync(
            () => Task.FromResult(changes.FirstOrDefault(c => c.Status == MqttClientStatus.Disconnected)),
            c => c is not null,
            TestClients.Patience,
            "the disconnect to be reported");
        Assert.Equal(expected, reported!.ReasonCode);
        Assert.Contains("invalid packet", reported.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenABrokerReceiveMaximumOfTwo_WhenFivePublishesAreQueued_ThenAtMostTwoAreInFlight()
    {
        await using var broker = new FakeBroker();
        using var cancel = new CancellationTokenSource(TestClients.Patience);
        await using var client = new MqttClient(TestClients.Options(TestClients.UniqueId("recvmax"), broker.Port));
        var accepting = broker.AcceptAsync([0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x02], cancel.Token);
        await client.StartAsync(cancel.Token);
        await accepting;

        var publishes = Enumerable.Range(0, 5).Select(i => client.PublishAsync("t/recvmax", new byte[] { (byte)i }, MqttQos.AtLeastOnce, cancellationToken: cancel.Token)).ToList();

        var order = new List<byte>();
        var next = broker.ReadPacketAsync(cancel.Token);
        while (order.Count < 5)
        {
            var window = new List<ushort>();
            while (window.Count < 2 && order.Count < 5)
            {
                var (first, body) = await next;
                next = broker.ReadPacketAsync(cancel.Token);
                Assert.Equal(0x32, first);
                var idAt = 2 + ((body[0] << 8) | body[1]);
                window.Add((ushort)((body[idAt] << 8) | body[idAt + 1]));
                order.Add(body[^1]);
            }
            // Nothing more may arrive until we acknowledge (a pending read must still be pending a moment later).
            var quiet = Task.Delay(TimeSpan.FromMilliseconds(300), cancel.Token);
            Assert.Same(quiet, await Task.WhenAny(next, quiet));
            foreach (var id in window)
            {
                await broker.SendAsync([0x40, 0x02, (byte)(id >> 8), (byte)id], cancel.Token);
            }
        }
        await Task.WhenAll(publishes);
        Assert.Equal([0, 1, 2, 3, 4], order);
    }
}
