using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Protocol.Tests.Mqtt;

public sealed class TlsTests
{
    [Fact]
    public async Task GivenABrokerCertificateFromAPrivateCa_WhenTheClientTrustsThatCa_ThenMessagesFlowOverTls()
    {
        var (ca, tlsConfig) = CreateCertificates();
        await using var broker = new PrivateBroker(tlsConfig);
        using var cancel = new CancellationTokenSource(TestClients.Patience);
        await broker.StartAsync(cancel.Token);
        var options = TestClients.Options(TestClients.UniqueId("tls"), broker.Port) with
        {
            Tls = new MqttTlsOptions { TargetHost = "localhost", TrustedCertificateAuthorities = [ca] },
        };
        await using var client = await TestClients.StartAsync(options);
        await client.SubscribeAsync("tls/echo", MqttQos.AtLeastOnce, cancel.Token);

        await client.PublishAsync("tls/echo", Encoding.UTF8.GetBytes("secret"), MqttQos.AtLeastOnce, cancellationToken: cancel.Token);

        var received = await TestClients.ReceiveAsync(client, 1);
        Assert.Equal("secret", TestClients.Text(received[0]));
    }

    [Fact]
    public async Task GivenABrokerCertificateFromAnUnknownCa_WhenTheClientUsesDefaultValidation_ThenItRefusesToConnect()
    {
        var (_, tlsConfig) = CreateCertificates();
        await using var broker = new PrivateBroker(tlsConfig);
        using var cancel = new CancellationTokenSource(TestClients.Patience);
        await broker.StartAsync(cancel.Token);
        await using var client = new MqttClient(TestClients.Options(TestClients.UniqueId("tlsbad"), broker.Port) with
        {
            Tls = new MqttTlsOptions { TargetHost = "localhost" },
        });
        var changes = TestClients.Record(client);

        using var give = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.StartAsync(give.Token));

        Assert.Contains(changes, c => c.Status == MqttClientStatus.Disconnected && c.Error is AuthenticationException);
        Assert.DoesNotContain(changes, c => c.Status == MqttClientStatus.Connected);
    }

    /// <summary>A CA and a localhost server certificate; returns the CA and a function writing the broker's TLS files.</summary>
    private static (X509Certificate2 Ca, Func<string, string> Config) CreateCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ChargeLedger Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(20), RandomNumberGenerator.GetBytes(8));
        var serverPem = server.ExportCertificatePem();
        var keyPem = serverKey.ExportPkcs8PrivateKeyPem();
        serverKey.Dispose();
        var caPem = ca.ExportCertificatePem();

        return (X509CertificateLoader.LoadCertificate(ca.RawData), directory =>
        {
            string pathFor(string name) => Path.Combine(directory, name);
            File.WriteAllText(pathFor("ca.pem"), caPem);
            File.WriteAllText(pathFor("server.pem"), serverPem);
            File.WriteAllText(pathFor("server.key"), keyPem);
            return $"cafile {pathFor("ca.pem")}\ncertfile {pathFor("server.pem")}\nkeyfile {pathFor("server.key")}";
        });
    }
}
