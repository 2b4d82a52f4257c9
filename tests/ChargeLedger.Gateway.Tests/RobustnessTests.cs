using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace ChargeLedger.Gateway.Tests;

public sealed class RobustnessTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(s => s with { MaxFrameBytes = 1024 });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<ClientWebSocket> ConnectAsync(string cid) => WebSocketClients.ConnectAsync(_gateway.Server.ChargePointUri(cid));

    [Fact]
    public async Task GivenAFrameOverTheLimit_WhenItArrives_ThenTheConnectionClosesWith1009()
    {
        using var socket = await ConnectAsync("CP-BIG");

        await socket.SendTextAsync($$"""[2,"big","DataTransfer",{"vendorId":"x","data":"{{new string('a', 2000)}}"}]""");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task GivenABinaryFrame_WhenItArrives_ThenTheConnectionClosesWith1003()
    {
        using var socket = await ConnectAsync("CP-BIN");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, timeout.Token);

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, socket.CloseStatus);
        var gone = await _gateway.CentralSystem.WaitForAsync(_gateway.Notice("CP-BIN", "disconnected"), _ => true, "disconnected notice");
        Assert.Equal("binary_frame_not_supported", (string?)gone["reason"]);
    }

    [Fact]
    public async Task GivenTextThatIsNotJson_WhenItArrives_ThenTheConnectionClosesWith1007()
    {
        using var socket = await ConnectAsync("CP-NOTJSON");

        await socket.SendTextAsync("hello, I am not JSON");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task GivenJsonWithoutAReadableUniqueId_WhenItArrives_ThenTheConnectionClosesWith1002()
    {
        using var socket = await ConnectAsync("CP-SHAPE");

        await socket.SendTextAsync("""{"hello":"world"}""");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.ProtocolError, socket.CloseStatus);
    }

    [Fact]
    public async Task GivenAWrongShapeWithAReadableUniqueId_WhenItArrives_ThenTheChargePointGetsAFormationViolationAndNothingIsPublished()
    {
        using var socket = await ConnectAsync("CP-CALLERR");

        await socket.SendTextAsync("""[2,"u-1","Heartbeat"]""");

        var reply = JsonNode.Parse((await socket.ReceiveTextAsync())!)!.AsArray();
        Assert.Equal(4, (int)reply[0]!);
        Assert.Equal("u-1", (string?)reply[1]);
        Assert.Equal("FormationViolation", (string?)reply[2]);
        Assert.True(JsonNode.DeepEquals(new JsonObject(), reply[4]));
        await socket.SendTextAsync("""[2,"u-2","Heartbeat",{}]""");
        var heartbeat = await _gateway.CentralSystem.WaitForAsync($"{_gateway.Mount}cp/CP-CALLERR", _ => true, "the next, valid frame");
        Assert.Equal("u-2", (string?)heartbeat["UniqueId"]);
        Assert.Single(_gateway.CentralSystem.On($"{_gateway.Mount}cp/CP-CALLERR"));
    }

    [Fact]
    public async Task GivenTheCentralSystemAcceptsTheBootWithAShortInterval_WhenTheChargePointFallsSilent_ThenItIsClosedForKeepaliveTimeout()
    {
        _gateway.CentralSystem.HeartbeatInterval = 1;
        using var socket = await ConnectAsync("CP-SILENT");

        await socket.SendTextAsync("""[2,"b-1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]""");
        var conf = JsonNode.Parse((await socket.ReceiveTextAsync())!)!.AsArray();
        Assert.Equal(1, (int)conf[2]!["interval"]!);

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal("keepalive_timeout", socket.CloseStatusDescription);
        await TestSupport.Eventually.TrueAsync(() => Task.FromResult(_gateway.Server.Metrics.Disconnects("keepalive_timeout") == 1), TimeSpan.FromSeconds(30), "the keepalive disconnect counted");
    }

    [Fact]
    public async Task GivenAChargePointThatIsNotConnected_WhenTheCentralSystemSendsIt_ThenTheFrameIsDroppedNotQueued()
    {
        await _gateway.CentralSystem.PublishDownstreamAsync("CP-LATE", """{"MessageTypeId":2,"UniqueId":"early","Action":"Reset","Payload":{"type":"Soft"}}""");
        await TestSupport.Eventually.TrueAsync(() => Task.FromResult(_gateway.Server.Metrics.DownstreamDropped >= 1), TimeSpan.FromSeconds(30), "the drop");
        using var socket = await ConnectAsync("CP-LATE");
        await _gateway.CentralSystem.WaitForAsync(_gateway.Notice("CP-LATE", "connected"), _ => true, "connected notice");

        await _gateway.CentralSystem.PublishDownstreamAsync("CP-LATE", """{"MessageTypeId":2,"UniqueId":"late","Action":"Reset","Payload":{"type":"Soft"}}""");

        Assert.Equal("""[2,"late","Reset",{"type":"Soft"}]""", await socket.ReceiveTextAsync());
    }

    private async Task AssertStillServesAsync()
    {
        using var socket = await ConnectAsync("CP-AFTER-" + Guid.NewGuid().ToString("N")[..6]);
        await socket.SendTextAsync("""[2,"h-1","Heartbeat",{}]""");
        var conf = JsonNode.Parse((await socket.ReceiveTextAsync())!)!.AsArray();
        Assert.Equal(3, (int)conf[0]!);
        Assert.Equal("h-1", (string?)conf[1]);
    }
}
