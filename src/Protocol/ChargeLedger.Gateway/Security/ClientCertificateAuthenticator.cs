using System.Security.Cryptography.X509Certificates;
using ChargeLedger.Gateway.Hosting;

namespace ChargeLedger.Gateway.Security;

/// <summary>
/// OCPP security profile 3: a charge point is who its client certificate says, when the certificate chains to the
/// configured CA (not the system store: a public CA vouches for no charge point) and its CN is the identity in the URL.
/// </summary>
public sealed class ClientCertificateAuthenticator
{
    private readonly X509Certificate2Collection? _authorities;

    private ClientCertificateAuthenticator(X509Certificate2Collection? authorities) => _authorities = authorities;

    /// <summary>False when no CA is configured: client certificates are then neither asked for nor accepted.</summary>
    public bool Enabled => _authorities is not null;

    public static ClientCertificateAuthenticator From(GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ClientCertificateAuthorityPath is not { } path)
        {
            return settings.AuthMode == GatewayAuthMode.Certificate
                ? throw new InvalidOperationException("CHARGELEDGER_GATEWAY_AUTH=certificate needs CHARGELEDGER_GATEWAY_CLIENT_CA (the CA of the charge points' certificates).")
                : new ClientCertificateAuthenticator(null);
        }
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return new ClientCertificateAuthenticator(authorities);
    }

    /// <summary>Null when the certificate authenticates <paramref name="identity"/>; otherwise the refusal reason.</summary>
    public string? Check(X509Certificate2 certificate, string identity)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_authorities is null)
        {
            return "client_certificates_disabled";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        if (!chain.Build(certificate))
        {
            return "certificate_untrusted";
        }
        return string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), identity, StringComparison.Ordinal)
            ? null
            : "certificate_identity_mismatch";
    }
}
