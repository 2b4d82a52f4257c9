using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Security.Tests;

/// <summary>Who may connect to the broker eng/services runs: accounts, TLS with its CA, client certificates.</summary>
[Collection(BrokerAccountsCollection.Name)]
public sealed class BrokerAuthenticationTests(ChargePointAccounts accounts)
{
    private static readonly MqttReasonCode?[] Refused = [MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.NotAuthorized];

    [Fact]
    public async Task GivenNoCredentials_WhenAClientConnects_ThenTheBrokerRefusesItAndLogsTheRefusal()
    {
        var log = Path.Combine(TestServices.MqttStateDirectory, "mosquitto.log");
        var refusalsBefore = CountRefusals(log);

        var refusal = await Broker.RefusalAsync(Broker.Options($"sec-anon-{Guid.NewGuid():N}"));

        Assert.NotNull(refusal);
        Assert.Contains(refusal.ReasonCode, Refused);
        await Eventually.TrueAsync(() => Task.FromResult(CountRefusals(log) > refusalsBefore), Broker.Patience, "the refusal in the broker log");
    }

    [Fact]
    public async Task GivenAChargePointAccount_WhenItConnectsWithAWrongPassword_ThenTheConnackRefusesIt()
    {
        var account = accounts["wrong-password"];

        var wrong = await Broker.RefusalAsync(account.Options("not-" + account.Password));
        var right = await Broker.RefusalAsync(account.Options());

        Assert.NotNull(wrong);
        Assert.Contains(wrong.ReasonCode, Refused);
        Assert.Null(right);
    }

    [Fact]
    public async Task GivenAnUnknownUser_WhenItConnects_ThenTheConnackRefusesIt()
    {
        var refusal = await Broker.RefusalAsync(Broker.Options($"sec-who-{Guid.NewGuid():N}") with
        {
            Username = "nobody-" + Guid.NewGuid().ToString("N"),
            Password = Encoding.UTF8.GetBytes("guess"),
        });

        Assert.NotNull(refusal);
        Assert.Contains(refusal.ReasonCode, Refused);
    }

    [Fact]
    public async Task GivenTheBrokersCa_WhenTheOperatorConnectsOverTls_ThenMessagesFlow()
    {
        var topic = $"sec/tls/{Guid.NewGuid():N}";
        await using var client = await Broker.ConnectAsync(Tls(Broker.Operator("tls"), TrustedCa()));
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, CancellationToken.None);

        await client.PublishAsync(topic, Encoding.UTF8.GetBytes("over tls"), MqttQos.AtLeastOnce);

        var received = await Broker.ReceiveUntilAsync(client, topic);
        Assert.Equal("over tls", Encoding.UTF8.GetString(received[^1].Payload.Span));
    }

    [Fact]
    public async Task GivenAnotherCa_WhenAClientConnectsOverTls_ThenItRefusesTheBrokersCertificate()
    {
        using var otherCa = SelfSignedCa("Not the broker's CA");

        var refusal = await Broker.RefusalAsync(Tls(Broker.Operator("tlsbad"), [X509CertificateLoader.LoadCertificate(otherCa.RawData)]));

        Assert.NotNull(refusal);
        Assert.IsType<AuthenticationException>(refusal.Error);
    }

    [Fact]
    public async Task GivenAChargePointsClientCertificate_WhenItConnectsToTheCertificateListener_ThenItActsAsThatChargePointOnly()
    {
        var account = accounts["certificate"];
        var other = accounts["certificate-other"];
        var options = Tls(Broker.Options($"sec-crt-{Guid.NewGuid():N}"), TrustedCa()) with
        {
            Port = TestServices.MqttClientCertificatePort,
            Tls = new MqttTlsOptions
            {
                TargetHost = "localhost",
                TrustedCertificateAuthorities = TrustedCa(),
                ClientCertificate = MqttTlsOptions.FromPemFiles(null, account.CertificateFile, account.KeyFile).ClientCertificate,
            },
        };
        await using var client = await Broker.ConnectAsync(options);

        var own = await Broker.PublishRefusalAsync(client, $"sec{Guid.NewGuid():N}"[..12] + $"/ocpp/cp/{account.ChargePointId}", "{}");
        var foreign = await Broker.PublishRefusalAsync(client, $"ocpp/cp/{other.ChargePointId}", "{}");

        Assert.Null(own);
        Assert.Equal(MqttReasonCode.NotAuthorized, foreign);
    }

    [Fact]
    public async Task GivenNoClientCertificate_WhenAClientConnectsToTheCertificateListener_ThenTheTlsHandshakeFails()
    {
        var refusal = await Broker.RefusalAsync(Tls(Broker.Operator("nocrt"), TrustedCa()) with { Port = TestServices.MqttClientCertificatePort });

        Assert.NotNull(refusal);
        Assert.Null(refusal.ReasonCode);
    }

    private static int CountRefusals(string log) =>
        File.ReadLines(log).Count(line => line.Contains("disconnected, not authorised", StringComparison.Ordinal));

    private static X509Certificate2Collection TrustedCa() => MqttTlsOptions.FromPemFiles(TestServices.MqttCaFile).TrustedCertificateAuthorities!;

    private static MqttClientOptions Tls(MqttClientOptions options, X509Certificate2Collection authorities) => options with
    {
        Port = TestServices.MqttTlsPort,
        Tls = new MqttTlsOptions { TargetHost = "localhost", TrustedCertificateAuthorities = authorities },
    };

    private static X509Certificate2 SelfSignedCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
