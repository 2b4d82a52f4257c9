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
}
