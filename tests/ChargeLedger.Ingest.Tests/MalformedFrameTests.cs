using System.Text;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.TestSupport;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class MalformedFrameTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("malformed", output);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenMalformedFramesOfEveryKind_WhenIngested_ThenEachIsRecordedAsRejectedAndAnsweredWhenItsUniqueIdIsReadable()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var topic = context.Topics.Upstream(cid);
        byte[] garbage = [0x00, 0xFF, 0xFE, 0x80, 0x13, 0x37];
        await context.Gateway.PublishAsync(topic, "this is not json");
        await context.Gateway.PublishAsync(topic, """[2,"arr-1","Heartbeat",{}]""");
        await context.Gateway.PublishAsync(topic, """{"UniqueId":"shape-1","Action":"Heartbeat","Payload":{}}""");
        await context.Gateway.CallAsync(cid, "schema-1", "BootNotification", """{"chargePointVendor":"Acme"}""");
        await context.Gateway.CallAsync(cid, "schema-2", "StartTransaction", """{"connectorId":"one","idTag":"T","meterStart":0,"timestamp":"2026-11-20T10:00:00Z"}""");
        await context.Gateway.CallAsync(cid, "unknown-1", "FlyToTheMoon", "{}");
        await context.Gateway.CallAsync(cid, "nul-1", "DataTransfer", """{"vendorId":"Acme","data":"a\u0000b"}""");
        await context.Gateway.PublishAsync(topic, garbage);

        var rejected = await Eventually.ReturnsAsync(
            async () => (await context.EventsAsync(StreamIds.ChargePoint(cid))).Select(e => (MessageRejected)e.Event).ToList(),
            events => events.Count >= 8,
            TimeSpan.FromSeconds(45),
            "8 rejections");

        Assert.Equal(8, rejected.Count);
        Assert.All(rejected, r => Assert.Equal(topic, r.Topic));
        Assert.Contains("payload is not valid JSON", rejected[0].Reason, StringComparison.Ordinal);
        Assert.Equal("this is not json", rejected[0].Payload);
        Assert.Equal(RawPayload.Utf8, rejected[0].PayloadEncoding);
        Assert.Equal("""[2,"arr-1","Heartbeat",{}]""", rejected[1].Payload);
        Assert.Contains("must be a JSON object", rejected[1].Reason, StringComparison.Ordinal);
        Assert.Equal(("shape-1", "FormationViolation"), (rejected[2].UniqueId, rejected[2].ErrorCode));
        Assert.Equal(("schema-1", "OccurenceConstraintViolation"), (rejected[3].UniqueId, rejected[3].ErrorCode));
        Assert.Contains("chargePointModel", rejected[3].Reason, StringComparison.Ordinal);
        Assert.Equal(("schema-2", "TypeConstraintViolation"), (rejected[4].UniqueId, rejected[4].ErrorCode));
        Assert.Equal(("unknown-1", "NotImplemented"), (rejected[5].UniqueId, rejected[5].ErrorCode));
        Assert.Equal(("nul-1", "PropertyConstraintViolation"), (rejected[6].UniqueId, rejected[6].ErrorCode));
        Assert.Equal(RawPayload.Base64, rejected[7].PayloadEncoding);
        Assert.Equal(garbage, RawPayload.Decode(rejected[7].Payload, rejected[7].PayloadEncoding));

        foreach (var (uniqueId, code) in new[] { ("shape-1", "FormationViolation"), ("schema-1", "OccurenceConstraintViolation"), ("schema-2", "TypeConstraintViolation"), ("unknown-1", "NotImplemented"), ("nul-1", "PropertyConstraintViolation") })
        {
            var error = Assert.Single(await context.Gateway.FramesAsync(cid, uniqueId));
            Assert.Equal(4, error.GetProperty("MessageTypeId").GetInt32());
            Assert.Equal(code, error.GetProperty("ErrorCode").GetString());
        }

        // Frames without a readable UniqueId cannot be answered: nothing else went to the charge point.
        Assert.Equal(5, context.Gateway.Received.Count(r => r.Topic == context.Topics.Downstream(cid)));
    }

    [Fact]
    public async Task GivenAMessageOnATopicNamingNoChargePoint_WhenIngested_ThenItIsKeptInTheUnroutableStream()
    {
        var topic = context.Topics.MountPoint + "cp//Reply";
        await context.Gateway.PublishAsync(topic, Encoding.UTF8.GetBytes("""{"MessageTypeId":3,"UniqueId":"x","Payload":{}}"""));

        var rejected = await Eventually.ReturnsAsync(
            async () => (await context.EventsAsync(StreamIds.UnroutableRejections)).Select(e => (MessageRejected)e.Event).ToList(),
            events => events.Count >= 1,
            TimeSpan.FromSeconds(45),
            "an unroutable rejection");
        Assert.Equal(topic, Assert.Single(rejected).Topic);
    }
}
