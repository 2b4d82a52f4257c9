using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Links;

/// <summary>How one simulated charge point reaches the Central System (WebSocket via the gateway, or MQTT directly).</summary>
public interface IChargePointLink : IAsyncDisposable
{
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends the CALL and returns the Central System's CALLRESULT or CALLERROR.</summary>
    Task<OcppFrame> CallAsync(OcppCall call, CancellationToken cancellationToken);

    Task DisconnectAsync(CancellationToken cancellationToken);
}
