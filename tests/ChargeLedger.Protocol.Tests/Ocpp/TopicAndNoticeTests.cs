using System.Text;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Protocol.Tests.Ocpp;

public sealed class TopicAndNoticeTests
{
    [Fact]
    public void GivenTheDefaultLayout_WhenTopicsAreBuiltAndMatched_ThenTheyFollowTheEmqxGateway()
    {
        var topics = OcppTopics.Default;

        Assert.Equal("ocpp/cp/CP001", topics.Upstream("CP001"));
        Assert.Equal("ocpp/cp/CP001/Reply", topics.Reply("CP001"));
        Assert.Equal("ocpp/cs/CP001", topics.Downstream("CP001"));
        Assert.Equal("ocpp/cp/+", topics.Filter(OcppTopicKind.Upstream));
        Assert.True(topics.TryMatch("ocpp/cp/CP001/Reply", out var kind, out var id));
        Assert.Equal((OcppTopicKind.Reply, "CP001"), (kind, id));
        Assert.True(topics.TryMatch("ocpp/cp/CP001", out kind, out id));
        Assert.Equal((OcppTopicKind.Upstream, "CP001"), (kind, id));
        Assert.False(topics.TryMatch("ocpp/cp/a/b/c", out _, out _));
        Assert.Throws<ArgumentException>(() => topics.Upstream("bad/id"));
    }

    [Fact]
    public void GivenACustomMountAndTemplates_WhenTopicsAreBuilt_ThenBothAreApplied()
    {
        var topics = new OcppTopics { MountPoint = "tenant1/", UpstreamTemplate = "up/${clientid}/calls", ReplyTemplate = "up/${cid}/replies" };

        Assert.Equal("tenant1/up/CP9/calls", topics.Upstream("CP9"));
        Assert.True(topics.TryMatch("tenant1/up/CP9/replies", out var kind, out var id));
        Assert.Equal((OcppTopicKind.Reply, "CP9"), (kind, id));
    }

    [Fact]
    public void GivenAGatewayConnectedNotice_WhenParsed_ThenIdentityAndTimesAreRead()
    {
        const string payload = """{"clientid":"CP001","username":"u","ipaddress":"10.0.0.5","sockport":33033,"protocol":"ocpp","proto_name":"OCPP","proto_ver":"1.6","connected_at":1700000000123,"ts":1700000000125,"keepalive":60,"clean_start":true,"expiry_interval":0}""";

        var notice = OcppGatewayNotice.TryParse("$SYS/brokers/emqx@node1/gateway/ocpp/clients/CP001/connected", Encoding.UTF8.GetBytes(payload));

        Assert.NotNull(notice);
        Assert.Equal(OcppGatewayEvent.Connected, notice.Event);
        Assert.Equal("emqx@node1", notice.Node);
        Assert.Equal("CP001", notice.ChargePointId);
        Assert.Equal(Instant.FromUnixTimeMilliseconds(1700000000123), notice.ConnectedAt);
        Assert.Equal(payload, notice.RawText);
    }

    [Fact]
    public void GivenAProducedDisconnectedNotice_WhenParsedBack_ThenItIsTheSame()
    {
        var notice = new OcppGatewayNotice(OcppGatewayEvent.Disconnected, "n1", "CP7", null, "127.0.0.1", Instant.FromUnixTimeMilliseconds(1000), Instant.FromUnixTimeMilliseconds(5000), Instant.FromUnixTimeMilliseconds(5001), "sock_closed", null);

        var back = OcppGatewayNotice.TryParse(notice.Topic, notice.ToPayload());

        Assert.Equal(notice, back! with { RawText = null });
        Assert.Null(OcppGatewayNotice.TryParse("$SYS/brokers/n1/clients/CP7/connected", notice.ToPayload()));
        Assert.Null(OcppGatewayNotice.TryParse(notice.Topic, "not json"u8));
    }
}
