using System.Net.WebSockets;
using ChargeLedger.Gateway.Hosting;

namespace ChargeLedger.Gateway.Tests;

public sealed class HandshakeTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    private Uri Http => _gateway.Server.Addresses.First(a => a.Scheme == "http");

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(s => s with { AuthMode = GatewayAuthMode.Required });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("/ocpp/CP1", null, "no_subprotocol")]
    [InlineData("/ocpp/CP1", "ocpp2.0.1", "no_supported_subprotocol")]
    [InlineData("/ocpp/", "ocpp1.6", "clientid_cannot_be_empty")]
    [InlineData("/ocpp/a%2Fb", "ocpp1.6", "unsupported_clientid")]
    [InlineData("/ocpp/a+b", "ocpp1.6", "unsupported_clientid")]
    [InlineData("/ocpp/a%23b", "ocpp1.6", "unsupported_clientid")]
    [InlineData("/ocpp/a/b", "ocpp1.6", "unsupported_clientid")]
    [InlineData("/ocpp/CP0123456789012345678901234567890123456789012345678901234567890123456789", "ocpp1.6", "clientid_too_long")]
    public async Task GivenABadHandshake_WhenAChargePointConnects_ThenItGets400WithTheReason(string path, string? subProtocol, string reason)
    {
        var (status, body, _) = await WebSocketClients.HandshakeAsync(Http, path, subProtocol, "CP1:whatever");

        Assert.Equal(400, status);
        Assert.Equal(reason, body);
        Assert.Equal(1, _gateway.Server.Metrics.Refusals(reason));
    }

    [Fact]
    public async Task GivenAuthRequired_WhenTheIdentityHasNoPasswordOrAWrongOne_ThenItGets401AndTheFailureIsCounted()
    {
        _gateway.Server.Credentials.Set("CP-AUTH", "correct horse", iterations: 1000);

        var missing = await WebSocketClients.HandshakeAsync(Http, "/ocpp/CP-AUTH", "ocpp1.6");
        var wrong = await WebSocketClients.HandshakeAsync(Http, "/ocpp/CP-AUTH", "ocpp1.6", "CP-AUTH:battery staple");
        var otherUser = await WebSocketClients.HandshakeAsync(Http, "/ocpp/CP-AUTH", "ocpp1.6", "CP-OTHER:correct horse");
        var unknown = await WebSocketClients.HandshakeAsync(Http, "/ocpp/CP-UNKNOWN", "ocpp1.6", "CP-UNKNOWN:anything");

        Assert.Equal((401, "not_authorized"), (missing.Status, missing.Body));
        Assert.Equal("Basic", missing.Response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal((401, "bad_username_or_password"), (wrong.Status, wrong.Body));
        Assert.Equal((401, "bad_username_or_password"), (otherUser.Status, otherUser.Body));
        Assert.Equal((401, "bad_username_or_password"), (unknown.Status, unknown.Body));
        Assert.Equal(4, _gateway.Server.Metrics.AuthFailures);
    }

    [Fact]
    public async Task GivenTheRightPassword_WhenAChargePointConnectsOverWss_ThenTheHandshakeCompletesWithOcpp16()
    {
        _gateway.Server.Credentials.Set("CP-TLS", "tls-password", iterations: 1000);

        using var socket = await WebSocketClients.ConnectAsync(_gateway.Server.ChargePointUri("CP-TLS", secure: true), "tls-password", "CP-TLS");

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal("ocpp1.6", socket.SubProtocol);
        await _gateway.CentralSystem.WaitForAsync(_gateway.Notice("CP-TLS", "connected"), n => (string?)n["username"] == "CP-TLS", "connected notice over wss");
    }

    [Fact]
    public async Task GivenAConnectedChargePoint_WhenTheSameIdentityConnectsAgain_ThenTheOldConnectionIsClosedAndDownstreamGoesToTheNewOne()
    {
        _gateway.Server.Credentials.Set("CP-TWICE", "pw", iterations: 1000);
        using var first = await WebSocketClients.ConnectAsync(_gateway.Server.ChargePointUri("CP-TWICE"), "pw", "CP-TWICE");
        await _gateway.CentralSystem.WaitForAsync(_gateway.Notice("CP-TWICE", "connected"), _ => true, "first connected notice");

        using var second = await WebSocketClients.ConnectAsync(_gateway.Server.ChargePointUri("CP-TWICE"), "pw", "CP-TWICE");

        Assert.Null(await first.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, first.CloseStatus);
        Assert.Equal("discarded", first.CloseStatusDescription);
        var notices = await Eventually(() => _gateway.CentralSystem.Received.Where(m => m.Topic.Contains("/clients/CP-TWICE/", StringComparison.Ordinal)).ToList(), n => n.Count >= 3);
        Assert.Equal(["connected", "disconnected", "connected"], notices.Select(n => n.Topic[(n.Topic.LastIndexOf('/') + 1)..]));
        Assert.Equal("discarded", (string?)notices[1].Json["reason"]);

        await _gateway.CentralSystem.PublishDownstreamAsync("CP-TWICE", """{"MessageTypeId":2,"UniqueId":"cs-1","Action":"Reset","Payload":{"type":"Hard"}}""");
        Assert.Equal("""[2,"cs-1","Reset",{"type":"Hard"}]""", await second.ReceiveTextAsync());
    }

    private static Task<T> Eventually<T>(Func<T> probe, Func<T, bool> done) =>
        TestSupport.Eventually.ReturnsAsync(() => Task.FromResult(probe()), done, TimeSpan.FromSeconds(45), "condition");
}
