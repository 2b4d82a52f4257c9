using System.Net.WebSockets;
using System.Text;
using ChargeLedger.EventStore;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Security.Tests;

/// <summary>The whole write path with every door locked: profile 3 charge point, gateway and ingest on their own accounts.</summary>
[Collection(BrokerAccountsCollection.Name)]
public sealed class PipelineTests(ChargePointAccounts accounts)
{
    [Fact]
    public async Task GivenServiceAccountsAndAClientCertificate_WhenAChargePointBootsThroughTheGateway_ThenItIsAnsweredAndStored()
    {
        var account = accounts["certificate"];
        var tag = $"sec{Guid.NewGuid():N}"[..15];
        var directory = Directory.CreateTempSubdirectory("sec-gateway-").FullName;
        await using var database = await TestDatabase.CreateMigratedAsync("secpipe");
        await using var ingest = await Services.StartIngestAsync(database, tag + "/ocpp/", tag + "/sys/");
        await using var gateway = await Services.StartGatewayAsync(tag + "/ocpp/", tag + "/sys/", directory);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        socket.Options.ClientCertificates = [MqttTlsOptions.FromPemFiles(null, account.CertificateFile, account.KeyFile).ClientCertificate!];
        using var timeout = new CancellationTokenSource(Broker.Patience);
        await socket.ConnectAsync(gateway.ChargePointUri(account.ChargePointId, secure: true), timeout.Token);

        await socket.SendAsync(
            Encoding.UTF8.GetBytes("""[2,"boot-1","BootNotification",{"chargePointVendor":"Sec","chargePointModel":"Profile3"}]"""),
            WebSocketMessageType.Text, true, timeout.Token);

        var buffer = new byte[16 * 1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        var answer = Encoding.UTF8.GetString(buffer, 0, received.Count);
        Assert.StartsWith("""[3,"boot-1",""", answer, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresEventStore(dataSource);
        var events = await store.ReadStreamAsync("chargepoint-" + account.ChargePointId, 0, 100, CancellationToken.None);
        Assert.Contains(events, e => e.Type.Contains("Boot", StringComparison.Ordinal));
        Assert.Equal(0, gateway.Metrics.AuthFailures);
        Directory.Delete(directory, recursive: true);
    }
}
