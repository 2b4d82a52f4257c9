using System.Net.WebSockets;
using ChargeLedger.Gateway.Bridge;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Gateway.Security;
using ChargeLedger.Protocol.Ocpp;
using Microsoft.AspNetCore.Http.Features;

namespace ChargeLedger.Gateway.Connections;

/// <summary>
/// <c>/ocpp/{chargePointId}</c>: the handshake checks in EMQX's order (identity, subprotocol, credentials), each
/// refusal an HTTP error with the reason as a plain-text body, then the session.
/// </summary>
public sealed class OcppEndpoint(
    GatewaySettings settings,
    SessionRegistry registry,
    MqttBridge bridge,
    CredentialStore credentials,
    ClientCertificateAuthenticator certificates,
    GatewayMetrics metrics,
    ILogger<OcppEndpoint> logger)
{
    public const string PathPrefix = "/ocpp";
    public const string SubProtocol = "ocpp1.6";

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var identity = IdentityFromRawTarget(context);
        if (ChargePointIdentity.Validate(identity, settings.MaxIdentityLength) is { } invalid)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, invalid, identity, ip).ConfigureAwait(false);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "websocket_upgrade_required", identity, ip).ConfigureAwait(false);
            return;
        }
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        if (offered.Count == 0)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "no_subprotocol", identity, ip).ConfigureAwait(false);
            return;
        }
        if (!offered.Contains(SubProtocol, StringComparer.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "no_supported_subprotocol", identity, ip).ConfigureAwait(false);
            return;
        }
        var hasCredentials = BasicCredentials.TryParse(context.Request.Headers.Authorization, out var basic);
        var certificate = context.Connection.ClientCertificate;
        var refusal = certificate is not null && certificates.Enabled
            ? certificates.Check(certificate, identity)
            : settings.AuthMode == GatewayAuthMode.Certificate ? "client_certificate_required" : Authenticate(identity, hasCredentials, basic);
        if (refusal is not null)
        {
            metrics.OnAuthFailure();
            logger.LogWarning(
                "Authentication failed for {ChargePointId} from {IpAddress}: {Reason} (client certificate: {Subject})",
                identity, ip, refusal, certificate?.Subject ?? "none");
            if (certificate is null)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"ChargeLedger OCPP\", charset=\"UTF-8\"";
            }
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, refusal, identity, ip).ConfigureAwait(false);
            return;
        }
        if (!bridge.IsConnected)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "broker_unavailable", identity, ip).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = SubProtocol,
            KeepAliveInterval = settings.PingInterval,
            KeepAliveTimeout = settings.PingInterval,
        }).ConfigureAwait(false);
        var username = certificate is not null ? identity : hasCredentials ? basic.Username : null;
        var session = new ChargePointSession(identity, username, ip, socket, bridge, settings, metrics, logger, context.RequestAborted);
        if (registry.Register(session) is { } previous)
        {
            // The replaced connection's disconnected notice goes out before the new connected notice.
            if (previous.ClaimNotice())
            {
                await bridge.PublishNoticeAsync(previous, OcppGatewayEvent.Disconnected, "discarded", context.RequestAborted).ConfigureAwait(false);
            }
            previous.Close(WebSocketCloseStatus.PolicyViolation, "discarded");
        }
        metrics.OnConnected();
        logger.LogInformation("{ChargePointId} connected from {IpAddress}", identity, ip);
        if (!await bridge.PublishNoticeAsync(session, OcppGatewayEvent.Connected, null, context.RequestAborted).ConfigureAwait(false))
        {
            session.Close(WebSocketCloseStatus.InternalServerError, "broker_unavailable");
        }
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            registry.Remove(session);
        }
    }

    private string? Authenticate(string identity, bool hasCredentials, BasicCredentials basic)
    {
        var stored = credentials.Has(identity);
        if (!stored)
        {
            return settings.AuthMode == GatewayAuthMode.Optional ? null : hasCredentials ? "bad_username_or_password" : "not_authorized";
        }
        if (!hasCredentials)
        {
            return "not_authorized";
        }
        return basic.Username == identity && credentials.Verify(identity, basic.Password) ? null : "bad_username_or_password";
    }

    /// <summary>The identity as EMQX reads it: the raw path after <c>/ocpp/</c>, percent-decoded (so <c>%2F</c> is refused too).</summary>
    private static string IdentityFromRawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.PathBase + context.Request.Path).ToString();
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }
        var rest = raw.Length > PathPrefix.Length ? raw[(PathPrefix.Length + 1)..] : string.Empty;
        try
        {
            return Uri.UnescapeDataString(rest);
        }
        catch (UriFormatException)
        {
            return rest;
        }
    }

    private async Task RefuseAsync(HttpContext context, int status, string reason, string identity, string? ip)
    {
        metrics.OnRefused(reason);
        logger.LogInformation("Refused a connection for '{ChargePointId}' from {IpAddress}: {Status} {Reason}", identity, ip, status, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }
}
