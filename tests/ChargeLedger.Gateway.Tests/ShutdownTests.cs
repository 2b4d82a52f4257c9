using System.Net.WebSockets;

namespace ChargeLedger.Gateway.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task GivenConnectedChargePoints_WhenTheGatewayStops_ThenEachIsClosedAsGoingAwayAndTheStopCompletes()
    {
        var gateway = await GatewayHarness.StartAsync();
        try
        {
            using var first = await WebSocketClients.ConnectAsync(gateway.Server.ChargePointUri("CP-STOP-1"));
            using var second = await WebSocketClients.ConnectAsync(gateway.Server.ChargePointUri("CP-STOP-2"));
            var firstClosed = first.ReceiveTextAsync();
            var secondClosed = second.ReceiveTextAsync();

            // The charge points keep their sockets open: without the gateway closing them, the stop would wait for them
            // until the host's shutdown timeout and then fail.
            await gateway.Server.DisposeAsync();

            Assert.Null(await firstClosed);
            Assert.Null(await secondClosed);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, first.CloseStatus);
            Assert.Equal("gateway_stopping", second.CloseStatusDescription);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
