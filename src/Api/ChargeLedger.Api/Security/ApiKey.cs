using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace ChargeLedger.Api.Security;

/// <summary>A stored API key (never its secret).</summary>
public sealed record ApiKey(Guid KeyId, string Name, IReadOnlyList<string> Roles, Instant CreatedAt, Instant? RevokedAt);

/// <summary>A newly created key: the secret is shown once and only its hash is stored.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

public static class ApiKeySecret
{
    private const string Prefix = "clk_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 is enough here: the secret has 256 random bits, so there is nothing to brute-force.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
