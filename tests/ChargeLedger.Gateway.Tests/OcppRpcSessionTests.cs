using System.Text.Json.Nodes;

namespace ChargeLedger.Gateway.Tests;

public sealed class OcppRpcSessionTests
{
    [Fact]
    public async Task GivenAnOcppRpcChargePointWithItsPassword_WhenItRunsAFullSession_ThenTheBrokerSeesEmqxObjectsAndTheClientGetsTheCentralSystemsReplies()
    {
        await using var gateway = await GatewayHarness.StartAsync(s => s with { AuthMode = Hosting.GatewayAuthMode.Required });
        var cid = "CP-RPC-" + Guid.NewGuid().ToString("N")[..6];
        gateway.Server.Credentials.Set(cid, "s3cret-key-0123456789", iterations: 1000);
        var endpoint = gateway.Server.ChargePointUri("x").ToString()[..^2];
        await using var chargePoint = NodeChargePoint.Start(endpoint, cid, "s3cret-key-0123456789");

        var connected = await chargePoint.WaitForStepAsync("connected");
        Assert.Equal("ocpp1.6", (string?)connected["protocol"]);
        var start = await chargePoint.WaitForStepAsync("StartTransaction");
        Assert.Equal(42, (int)start["result"]!["transactionId"]!);
        await chargePoint.WaitForStepAsync("done");
        foreach (var step in new[] { "BootNotification", "Authorize", "MeterValues", "StopTransaction" })
        {
            Assert.Null((await chargePoint.WaitForStepAsync(step))["error"]);
        }

        var upstream = gateway.CentralSystem.On($"{gateway.Mount}cp/{cid}").ToList();
        Assert.Equal(["BootNotification", "Authorize", "StartTransaction", "MeterValues", "StopTransaction"], upstream.Select(m => (string)m["Action"]!));
        foreach (var call in upstream)
        {
            Assert.Equal(["Action", "MessageTypeId", "Payload", "UniqueId"], call.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal(2, (int)call["MessageTypeId"]!);
        }
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"connectorId":1,"idTag":"TAG-OCPPRPC","meterStart":1000,"timestamp":"2026-01-05T10:00:00Z"}"""),
            upstream[2]["Payload"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"transactionId":42,"meterStop":2500,"timestamp":"2026-01-05T10:30:00Z","idTag":"TAG-OCPPRPC","reason":"Local"}"""),
            upstream[4]["Payload"]));

        var notice = await gateway.CentralSystem.WaitForAsync(gateway.Notice(cid, "connected"), _ => true, "connected notice");
        Assert.Equal(cid, (string?)notice["clientid"]);
        Assert.Equal(cid, (string?)notice["username"]);
        Assert.Equal("OCPP", (string?)notice["proto_name"]);
        Assert.Equal("1.6", (string?)notice["proto_ver"]);
        Assert.Equal("127.0.0.1", (string?)notice["ipaddress"]);
        Assert.True((long)notice["connected_at"]! > 1_700_000_000_000);

        // A CS-initiated CALL reaches the client as an array; its CALLRESULT comes back on the Reply topic without Action.
        await gateway.CentralSystem.PublishDownstreamAsync(cid, """{"MessageTypeId":2,"UniqueId":"cs-reset-1","Action":"Reset","Payload":{"type":"Soft"}}""");
        var reset = await chargePoint.WaitForStepAsync("Reset");
        Assert.Equal("Soft", (string?)reset["params"]!["type"]);
        var reply = await gateway.CentralSystem.WaitForAsync($"{gateway.Mount}cp/{cid}/Reply", _ => true, "Reset reply");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"MessageTypeId":3,"UniqueId":"cs-reset-1","Payload":{"status":"Accepted"}}"""), reply));

        Assert.Equal(0, await chargePoint.WaitForExitAsync());
        var gone = await gateway.CentralSystem.WaitForAsync(gateway.Notice(cid, "disconnected"), _ => true, "disconnected notice");
        Assert.Equal("normal", (string?)gone["reason"]);
        Assert.True((long)gone["disconnected_at"]! >= (long)notice["connected_at"]!);
    }

    [Fact]
    public async Task GivenAuthRequired_WhenOcppRpcConnectsWithAWrongPassword_ThenTheHandshakeIsRefusedWith401AndCounted()
    {
        await using var gateway = await GatewayHarness.StartAsync(s => s with { AuthMode = Hosting.GatewayAuthMode.Required });
        var cid = "CP-BAD-" + Guid.NewGuid().ToString("N")[..6];
        gateway.Server.Credentials.Set(cid, "right-password", iterations: 1000);
        var endpoint = gateway.Server.ChargePointUri("x").ToString()[..^2];
        await using var chargePoint = NodeChargePoint.Start(endpoint, cid, "wrong-password");

        var failed = await chargePoint.WaitForStepAsync("connect");
        Assert.Equal("Unauthorized", (string?)failed["message"]);
        Assert.Equal(1, gateway.Server.Metrics.AuthFailures);
        Assert.Empty(gateway.CentralSystem.On(gateway.Notice(cid, "connected")));
    }
}
