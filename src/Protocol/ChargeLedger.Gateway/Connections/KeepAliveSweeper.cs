using System.Net.WebSockets;
using ChargeLedger.Gateway.Hosting;

namespace ChargeLedger.Gateway.Connections;

/// <summary>
/// Closes charge points that sent no text frame for (backoff + 0.5) keepalive intervals — EMQX drops them 1–2
/// intervals after their last frame; WebSocket pings do not count. On shutdown it closes every connection.
/// </summary>
public sealed class KeepAliveSweeper(SessionRegistry registry, GatewaySettings settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(settings.DefaultHeartbeatInterval.TotalMilliseconds / 4, 100, 1000));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var session in registry.All)
                {
                    if (session.SilentFor > session.KeepAlive * (settings.HeartbeatBackoff + 0.5))
                    {
                        session.Close(WebSocketCloseStatus.PolicyViolation, "keepalive_timeout");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var session in registry.All)
        {
            session.Close(WebSocketCloseStatus.EndpointUnavailable, "shutdown");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (registry.Count > 0 && !timeout.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
