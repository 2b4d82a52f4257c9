using ChargeLedger.Gateway.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChargeLedger.Gateway.Hosting;

/// <summary>An in-process gateway for tests and the full-pipeline harness: <c>await using var gw = await GatewayServer.StartAsync(settings, ct);</c></summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private GatewayServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The bound addresses (port 0 in the settings is replaced by the real port).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public GatewayMetrics Metrics => _app.Services.GetRequiredService<GatewayMetrics>();

    public CredentialStore Credentials => _app.Services.GetRequiredService<CredentialStore>();

    /// <summary><c>ws://host:port/ocpp/{cid}</c> (or wss when <paramref name="secure"/>).</summary>
    public Uri ChargePointUri(string chargePointId, bool secure = false)
    {
        var address = Addresses.First(uri => uri.Scheme == (secure ? "https" : "http"));
        return new Uri($"{(secure ? "wss" : "ws")}://{address.Authority}/ocpp/{Uri.EscapeDataString(chargePointId)}");
    }

    public static async Task<GatewayServer> StartAsync(GatewaySettings settings, CancellationToken cancellationToken, Action<ILoggingBuilder>? logging = null)
    {
        var app = GatewayApp.Build(settings, logging);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        return new GatewayServer(app, addresses);
    }

    /// <summary>Idempotent, so a test can stop the gateway and still hand it to the harness's cleanup.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
