using System.Net.WebSockets;
using ChargeLedger.Gateway.Bridge;
using ChargeLedger.Gateway.Connections;
using ChargeLedger.Gateway.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ChargeLedger.Gateway.Hosting;

/// <summary>Builds the gateway host: Kestrel (ws and wss), the OCPP endpoint, the MQTT bridge, keepalive and metrics.</summary>
public static class GatewayApp
{
    public static WebApplication Build(GatewaySettings settings, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. settings.Urls]);
        if (settings.Urls.Any(url => url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
        {
            var certificate = DevCertificate.Load(settings);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate;
                if (settings.ClientCertificateAuthorityPath is not null)
                {
                    // Any certificate passes the TLS handshake; the OCPP endpoint checks it against the CA and the
                    // identity, so a refusal is an HTTP 401 with a reason, a log line and a metric, not a bare TLS alert.
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.ClientCertificateValidation = (_, _, _) => true;
                }
            }));
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        logging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton(new CredentialStore(settings.CredentialsPath));
        builder.Services.AddSingleton(ClientCertificateAuthenticator.From(settings));
        builder.Services.AddSingleton<MqttBridge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MqttBridge>());
        builder.Services.AddHostedService<KeepAliveSweeper>();
        builder.Services.AddSingleton<OcppEndpoint>();

        var app = builder.Build();
        // Kestrel's shutdown waits for every open request, and a WebSocket session is one until it closes: close them all
        // as "going away" when the stop begins, so the stop does not hang until the host's timeout and charge points
        // reconnect at once.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var session in app.Services.GetRequiredService<SessionRegistry>().All)
            {
                session.Close(WebSocketCloseStatus.EndpointUnavailable, "gateway_stopping");
            }
        });
        app.UseWebSockets();
        app.MapGet("/metrics", (GatewayMetrics metrics) => Results.Text(metrics.ToPrometheusText(), "text/plain; version=0.0.4"));
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", (MqttBridge bridge) => bridge.IsConnected ? Results.Text("ok") : Results.Text("broker_unavailable", statusCode: 503));
        app.Map(OcppEndpoint.PathPrefix, ocpp => ocpp.Run(context => context.RequestServices.GetRequiredService<OcppEndpoint>().HandleAsync(context)));
        return app;
    }
}
