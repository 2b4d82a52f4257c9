using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ChargeLedger.Api.Hosting;
using ChargeLedger.Api.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChargeLedger.Api.Security;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header (or <c>Authorization: Bearer</c>) against the stored key hashes. Answers
/// are cached for <see cref="ApiSettings.KeyCacheTtl"/>, so a revocation takes effect within that time.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    ApiKeyCache cache,
    ApiProblems problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }
        var hash = ApiKeySecret.Hash(secret);
        var key = await cache.GetOrLoadAsync(hash, h => keys.FindActiveAsync(h, Context.RequestAborted)).ConfigureAwait(false);
        if (key is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key.KeyId.ToString()), new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "API key required",
            $"Send a valid, unrevoked API key in the {HeaderName} header.", HeaderName);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Role not allowed",
            "This API key's roles do not include an audience of this route.", HeaderName);

    private static string? ReadSecret(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.ToString() is { Length: > 0 } value)
        {
            return value.Trim();
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }
}

/// <summary>Recent key lookups by secret hash (found or not), so a busy client does not cost a query per request.</summary>
public sealed class ApiKeyCache(ApiSettings settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (ApiKey? Key, long ExpiresAt)> entries = new(StringComparer.Ordinal);

    public async Task<ApiKey?> GetOrLoadAsync(byte[] hash, Func<byte[], Task<ApiKey?>> load)
    {
        var id = Convert.ToHexString(hash);
        var now = time.GetTimestamp();
        if (entries.TryGetValue(id, out var entry) && entry.ExpiresAt > now)
        {
            return entry.Key;
        }
        var key = await load(hash).ConfigureAwait(false);
        if (settings.KeyCacheTtl > TimeSpan.Zero)
        {
            if (entries.Count > 10_000)
            {
                entries.Clear(); // a flood of random keys must not grow the cache without bound
            }
            entries[id] = (key, now + (long)(settings.KeyCacheTtl.TotalSeconds * time.TimestampFrequency));
        }
        return key;
    }
}
