using System.Security.Cryptography.X509Certificates;

namespace ChargeLedger.Protocol.Mqtt;

/// <summary>TLS settings. The broker certificate is always validated: by the system store, or by the given CAs.</summary>
public sealed record MqttTlsOptions
{
    /// <summary>Name the broker certificate must carry; the connection host when null.</summary>
    public string? TargetHost { get; init; }

    /// <summary>When set, the broker certificate must chain to one of these instead of the system store.</summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>Client certificate (with private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// From PEM files, as hosts configure them (<c>CHARGELEDGER_MQTT_TLS_CA_FILE</c>, <c>_CERT_FILE</c>, <c>_KEY_FILE</c>):
    /// no CA file means the system store; a certificate file without a key file must hold the key too.
    /// </summary>
    public static MqttTlsOptions FromPemFiles(string? caFile, string? certificateFile = null, string? keyFile = null) => new()
    {
        TrustedCertificateAuthorities = caFile is null ? null : LoadAuthorities(caFile),
        ClientCertificate = certificateFile is null ? null : LoadClientCertificate(certificateFile, keyFile),
    };

    private static X509Certificate2Collection LoadAuthorities(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return authorities;
    }

    /// <summary>Re-imported as PKCS#12: SslStream on Linux needs a key it can export for the handshake.</summary>
    private static X509Certificate2 LoadClientCertificate(string certificateFile, string? keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
