using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChargeLedger.Gateway.Hosting;

/// <summary>The wss certificate: the configured PFX, or a self-signed one for localhost created once and reused.</summary>
public static class DevCertificate
{
    public static X509Certificate2 Load(GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CertificatePath is { } path)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
        }
        var devPath = Path.GetFullPath(settings.DevCertificatePath);
        if (!File.Exists(devPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(devPath)!);
            using var created = Create();
            var temporary = devPath + ".tmp";
            File.WriteAllBytes(temporary, created.Export(X509ContentType.Pfx));
            File.Move(temporary, devPath, overwrite: true);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(devPath, null);
    }

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ChargeLedger gateway (development)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
    }
}
