using System.Text;
using ChargeLedger.EventStore;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Security.Tests;

/// <summary>The broker's ACL: charge points on their own topics only, the services on their side of the flow only.</summary>
[Collection(BrokerAccountsCollection.Name)]
public sealed class BrokerAuthorizationTests(ChargePointAccounts accounts)
{
    private static readonly string Mount = $"sec{Guid.NewGuid():N}"[..15] + "/ocpp/";

    private static string Heartbeat(string uniqueId) => $$$"""{"MessageTypeId":2,"UniqueId":"{{{uniqueId}}}","Action":"Heartbeat","Payload":{}}""";

    [Fact]
    public async Task GivenAChargePointAccount_WhenItPublishesToAnotherChargePointsTopic_ThenThePublishIsRefusedAndNeverBecomesAnEventOfTheOther()
    {
        await using var database = await TestDatabase.CreateMigratedAsync("secacl");
        var attacker = accounts["attacker"];
        var victim = accounts["victim"];
        await using var ingest = await Services.StartIngestAsync(database, Mount, $"sec{Guid.NewGuid():N}"[..13] + "/sys/");
        // Mosquitto 2.0 closes the connection after a refusing PUBACK, so the forgeries go over their own connection.
        await using var forger = await Broker.ConnectAsync(attacker.Options());
        await using var client = await Broker.ConnectAsync(attacker.Options());
        await client.SubscribeAsync($"{Mount}cs/{attacker.ChargePointId}", MqttQos.AtLeastOnce, CancellationToken.None);

        var forged = await Broker.PublishRefusalAsync(forger, $"{Mount}cp/{victim.ChargePointId}", Heartbeat("forged-1"));
        var forgedReply = await Broker.PublishRefusalAsync(forger, $"{Mount}cp/{victim.ChargePointId}/Reply", """{"MessageTypeId":3,"UniqueId":"x","Payload":{}}""");
        var own = await Broker.PublishRefusalAsync(client, $"{Mount}cp/{attacker.ChargePointId}", Heartbeat("own-1"));

        Assert.Equal(MqttReasonCode.NotAuthorized, forged);
        Assert.Equal(MqttReasonCode.NotAuthorized, forgedReply);
        Assert.Null(own);
        // The attacker's own heartbeat is answered (so everything before it was processed) and stored; the victim has nothing.
        var answer = await Broker.ReceiveUntilAsync(client, $"{Mount}cs/{attacker.ChargePointId}");
        Assert.Contains("own-1", Encoding.UTF8.GetString(answer[^1].Payload.Span), StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresEventStore(dataSource);
        Assert.NotEmpty(await store.ReadStreamAsync("chargepoint-" + attacker.ChargePointId, 0, 100, CancellationToken.None));
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM events WHERE stream_id LIKE '%' || $1 || '%' OR data::text LIKE '%' || $1 || '%' OR metadata::text LIKE '%' || $1 || '%'");
        count.Parameters.AddWithValue(victim.ChargePointId);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task GivenAChargePointAccount_WhenFramesGoToItsOwnAndAnotherDownstreamTopic_ThenItReceivesOnlyItsOwn()
    {
        var reader = accounts["reader"];
        var other = accounts["other-reader"];
        await using var client = await Broker.ConnectAsync(reader.Options());
        await client.SubscribeAsync($"{Mount}cs/+", MqttQos.AtLeastOnce, CancellationToken.None);
        await using var central = await Broker.ConnectAsync(Broker.Operator("cs"));

        await central.PublishAsync($"{Mount}cs/{other.ChargePointId}", Encoding.UTF8.GetBytes("not yours"), MqttQos.AtLeastOnce);
        await central.PublishAsync($"{Mount}cs/{reader.ChargePointId}", Encoding.UTF8.GetBytes("yours"), MqttQos.AtLeastOnce);

        var received = await Broker.ReceiveUntilAsync(client, $"{Mount}cs/{reader.ChargePointId}");
        Assert.Equal(["yours"], received.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
    }

    [Fact]
    public async Task GivenTheGatewayAccount_WhenItPublishesDownstreamOrReadsUpstream_ThenTheBrokerRefuses()
    {
        await using var gateway = await Broker.ConnectAsync(Broker.Service("gateway"));
        await gateway.SubscribeAsync($"{Mount}cp/#", MqttQos.AtLeastOnce, CancellationToken.None);
        await gateway.SubscribeAsync($"{Mount}cs/+", MqttQos.AtLeastOnce, CancellationToken.None);
        await using var publisher = await Broker.ConnectAsync(Broker.Service("gateway"));
        await using var central = await Broker.ConnectAsync(Broker.Operator("cs"));

        var upstream = await Broker.PublishRefusalAsync(publisher, $"{Mount}cp/CP1", "{}");
        var reply = await Broker.PublishRefusalAsync(publisher, $"{Mount}cp/CP1/Reply", "{}");
        var notice = await Broker.PublishRefusalAsync(publisher, $"{Mount[..^5]}sys/brokers/gw/gateway/ocpp/clients/CP1/connected", "{}");
        var downstream = await Broker.PublishRefusalAsync(publisher, $"{Mount}cs/CP1", "{}");
        var elsewhere = await Broker.PublishRefusalAsync(publisher, $"{Mount}other", "{}");
        await central.PublishAsync($"{Mount}cp/CP2", Encoding.UTF8.GetBytes("upstream"), MqttQos.AtLeastOnce);
        await central.PublishAsync($"{Mount}cs/CP2", Encoding.UTF8.GetBytes("downstream"), MqttQos.AtLeastOnce);

        Assert.Equal(MqttReasonCode.NotAuthorized, downstream);
        Assert.Null(upstream);
        Assert.Null(reply);
        Assert.Null(notice);
        Assert.Equal(MqttReasonCode.NotAuthorized, elsewhere);
        var received = await Broker.ReceiveUntilAsync(gateway, $"{Mount}cs/CP2");
        Assert.Equal(["downstream"], received.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
    }

    [Fact]
    public async Task GivenTheIngestAccount_WhenItPublishesUpstreamOrReadsDownstream_ThenTheBrokerRefuses()
    {
        await using var ingest = await Broker.ConnectAsync(Broker.Service("ingest"));
        await ingest.SubscribeAsync($"{Mount}cs/+", MqttQos.AtLeastOnce, CancellationToken.None);
        await ingest.SubscribeAsync($"{Mount}cp/#", MqttQos.AtLeastOnce, CancellationToken.None);
        await using var publisher = await Broker.ConnectAsync(Broker.Service("ingest"));
        await using var central = await Broker.ConnectAsync(Broker.Operator("gw"));

        var downstream = await Broker.PublishRefusalAsync(publisher, $"{Mount}cs/CP1", "{}");
        var upstream = await Broker.PublishRefusalAsync(publisher, $"{Mount}cp/CP1", "{}");
        await central.PublishAsync($"{Mount}cs/CP2", Encoding.UTF8.GetBytes("downstream"), MqttQos.AtLeastOnce);
        await central.PublishAsync($"{Mount}cp/CP2", Encoding.UTF8.GetBytes("upstream"), MqttQos.AtLeastOnce);

        Assert.Equal(MqttReasonCode.NotAuthorized, upstream);
        Assert.Null(downstream);
        var received = await Broker.ReceiveUntilAsync(ingest, $"{Mount}cp/CP2");
        Assert.Equal(["upstream"], received.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
    }
}
