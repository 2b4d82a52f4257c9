using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChargeLedger.Gateway.Hosting;

namespace ChargeLedger.Gateway.Tests;

/// <summary>OCPP security profile 3: wss with a client certificate whose CN is the charge point's identity.</summary>
public sealed class ClientCertificateTests : IAsyncLifetime, IDisposable
{
    private readonly TestAuthority _authority = new("ChargeLedger charge point CA (test)");
    private readonly TestAuthority _stranger = new("Somebody else's CA");
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"cp-ca-{Guid.NewGuid():N}.pem");
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_caFile, _authority.Certificate.ExportCertificatePem());
        _gateway = await GatewayHarness.StartAsync(s => s with { AuthMode = GatewayAuthMode.Certificate, ClientCertificateAuthorityPath = _caFile });
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose()
    {
        _authority.Dispose();
        _stranger.Dispose();
        File.Delete(_caFile);
    }

    [Fact]
    public async Task GivenItsOwnCertificate_WhenAChargePointConnectsOverWss_ThenItIsAcceptedAndItsFramesReachTheBroker()
    {
        using var certificate = _authority.Issue("CP-CERT-1");

        using var socket = await ConnectAsync("CP-CERT-1", certificate);
        await socket.SendTextAsync("""[2,"boot-1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]""");

        Assert.Equal(WebSocketState.Open, socket.State);
        await _gateway.CentralSystem.WaitForAsync(_gateway.Mount + "cp/CP-CERT-1", m => (string?)m["UniqueId"] == "boot-1", "the BootNotification on the charge point's topic");
        await _gateway.CentralSystem.WaitForAsync(_gateway.Notice("CP-CERT-1", "connected"), n => (string?)n["username"] == "CP-CERT-1", "the connected notice with the certificate's identity");
    }

    [Fact]
    public async Task GivenAnotherChargePointsCertificate_WhenItIsPresented_ThenTheHandshakeGets401AndTheRefusalIsLoggedAndCounted()
    {
        using var certificate = _authority.Issue("CP-CERT-OTHER");

        var status = await RefusalAsync("CP-CERT-2", certificate);

        Assert.Equal(401, status);
        Assert.Equal(1, _gateway.Server.Metrics.Refusals("certificate_identity_mismatch"));
        Assert.Equal(1, _gateway.Server.Metrics.AuthFailures);
        Assert.Contains(_gateway.Logs.Lines, line => line.Contains("CP-CERT-2", StringComparison.Ordinal) && line.Contains("certificate_identity_mismatch", StringComparison.Ordinal));
        Assert.Contains("chargeledger_gateway_refusals_total{reason=\"certificate_identity_mismatch\"} 1", _gateway.Server.Metrics.ToPrometheusText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenACertificateFromAnotherCa_WhenItNamesTheChargePoint_ThenTheHandshakeGets401()
    {
        using var certificate = _stranger.Issue("CP-CERT-3");

        var status = await RefusalAsync("CP-CERT-3", certificate);

        Assert.Equal(401, status);
        Assert.Equal(1, _gateway.Server.Metrics.Refusals("certificate_untrusted"));
    }

    [Fact]
    public async Task GivenNoCertificate_WhenAChargePointConnectsWithAPassword_ThenTheHandshakeGets401()
    {
        _gateway.Server.Credentials.Set("CP-CERT-4", "password", iterations: 1000);

        var status = await RefusalAsync("CP-CERT-4", certificate: null, password: "password");

        Assert.Equal(401, status);
        Assert.Equal(1, _gateway.Server.Metrics.Refusals("client_certificate_required"));
    }

    private ClientWebSocket Socket(X509Certificate2? certificate, string? password, string identity)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.CollectHttpResponseDetails = true;
        // The gateway's development certificate is self-signed; what is under test is the client side.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (certificate is not null)
        {
            socket.Options.ClientCertificates = [certificate];
        }
        if (password is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{identity}:{password}")));
        }
        return socket;
    }

    private async Task<ClientWebSocket> ConnectAsync(string identity, X509Certificate2 certificate)
    {
        var socket = Socket(certificate, null, identity);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(_gateway.Server.ChargePointUri(identity, secure: true), timeout.Token);
        return socket;
    }

    private async Task<int> RefusalAsync(string identity, X509Certificate2? certificate, string? password = null)
    {
        using var socket = Socket(certificate, password, identity);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(_gateway.Server.ChargePointUri(identity, secure: true), timeout.Token));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>A CA that issues client certificates (CN = charge point id, client-auth EKU) with their keys.</summary>
    private sealed class TestAuthority : IDisposable
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public TestAuthority(string name)
        {
            var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        }

        public X509Certificate2 Certificate { get; }

        public X509Certificate2 Issue(string chargePointId)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={chargePointId}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(8));
            using var withKey = issued.CopyWithPrivateKey(key);
            // Re-imported from PKCS#12 so SslStream on Linux can use the key.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }

        public void Dispose()
        {
            Certificate.Dispose();
            _key.Dispose();
        }
    }
}
