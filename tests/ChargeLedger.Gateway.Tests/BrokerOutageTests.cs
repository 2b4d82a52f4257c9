using System.Net.WebSockets;

namespace ChargeLedger.Gateway.Tests;

public sealed class BrokerOutageTests
{
    [Fact]
    public async Task GivenTheBrokerIsGone_WhenAChargePointSendsAFrame_ThenItsSocketIsClosedRatherThanTheFrameDropped()
    {
        using var broker = await PrivateMosquitto.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(s => s with { MqttPort = broker.Port, PublishTimeout = TimeSpan.FromSeconds(2) });
        using var socket = await WebSocketClients.ConnectAsync(gateway.Server.ChargePointUri("CP-OUTAGE"));
        await gateway.CentralSystem.WaitForAsync(gateway.Notice("CP-OUTAGE", "connected"), _ => true, "connected notice");

        broker.Kill();
        await socket.SendTextAsync("""[2,"hb-1","Heartbeat",{}]""");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.InternalServerError, socket.CloseStatus);
        Assert.Equal("broker_unavailable", socket.CloseStatusDescription);
        Assert.Equal(0, gateway.Server.Metrics.FramesUpstream);
    }
}
