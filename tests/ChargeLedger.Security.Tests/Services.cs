using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Security.Tests;

/// <summary>The ingest and the gateway in-process, each with its own broker service account, as production runs them.</summary>
internal static class Services
{
    public static Task<IngestHost> StartIngestAsync(TestDatabase database, string mountPoint, string noticePrefix)
    {
        var account = TestServices.MqttServiceAccount("ingest");
        var id = Guid.NewGuid().ToString("N")[..10];
        return IngestHost.StartAsync(
            new IngestSettings
            {
                PostgresConnectionString = database.ConnectionString,
                MqttHost = TestServices.MqttHost,
                MqttPort = TestServices.MqttPort,
                MqttUsername = account.Username,
                MqttPassword = account.Password,
                ClientId = $"sec-ingest-{id}",
                SharedGroup = $"sec{id}",
                SessionExpirySeconds = 60,
                MountPoint = mountPoint,
                NoticePrefix = noticePrefix,
            },
            _ => { },
            CancellationToken.None);
    }

    /// <summary>wss only, charge points authenticated by client certificates from the broker's development CA.</summary>
    public static async Task<GatewayServer> StartGatewayAsync(string mountPoint, string noticePrefix, string directory)
    {
        var account = TestServices.MqttServiceAccount("gateway");
        using var timeout = new CancellationTokenSource(Broker.Patience);
        return await GatewayServer.StartAsync(
            new GatewaySettings
            {
                Urls = ["https://127.0.0.1:0"],
                DevCertificatePath = Path.Combine(directory, "dev-cert.pfx"),
                CredentialsPath = Path.Combine(directory, "credentials.json"),
                MqttHost = TestServices.MqttHost,
                MqttPort = TestServices.MqttPort,
                MqttUsername = account.Username,
                MqttPassword = account.Password,
                MqttClientId = "sec-gateway-" + Guid.NewGuid().ToString("N")[..10],
                NoticePrefix = noticePrefix,
                Topics = OcppTopics.Default with { MountPoint = mountPoint },
                AuthMode = GatewayAuthMode.Certificate,
                ClientCertificateAuthorityPath = TestServices.MqttCaFile,
            },
            timeout.Token);
    }
}
