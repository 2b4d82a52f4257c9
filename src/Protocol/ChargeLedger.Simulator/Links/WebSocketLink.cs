using System.Net.WebSockets;
using System.Text;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Links;

/// <summary>OCPP-J over WebSocket (subprotocol ocpp1.6, optional HTTP Basic), one socket per connection period.</summary>
public sealed class WebSocketLink(string chargePointId, SimulatorOptions options) : IChargePointLink
{
    private readonly PendingCalls _pending = new(options.CallTimeout);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;
    private Task? _receiver;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (options.Password is { } password)
        {
            socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{chargePointId}:{password}")));
        }
        try
        {
            await socket.ConnectAsync(new Uri($"{options.GatewayUrl}/{Uri.EscapeDataString(chargePointId)}"), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _receiver = Task.Run(() => ReceiveAsync(socket), CancellationToken.None);
    }

    public Task<OcppFrame> CallAsync(OcppCall call, CancellationToken cancellationToken) =>
        _pending.AwaitAsync(call.UniqueId, () => SendAsync(OcppJsonArrayCodec.Serialize(call), cancellationToken), cancellationToken);

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            // A gateway that is going away may never answer the close: give it a few seconds, then drop the socket.
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", patience.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                socket.Abort();
            }
        }
        if (_receiver is not null)
        {
            await _receiver.ConfigureAwait(false);
        }
        _socket?.Dispose();
        _socket = null;
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        _sendLock.Dispose();
    }

    private async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException("not connected");
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A socket aborted under a send (the gateway killed) surfaces as a cancellation nobody asked for: a lost connection.
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close && count < buffer.Length);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                var parsed = OcppJsonArrayCodec.Parse(Encoding.UTF8.GetString(buffer, 0, count));
                switch (parsed.Frame)
                {
                    case OcppCall call:
                        await SendAsync(OcppJsonArrayCodec.Serialize(ChargePointResponder.Answer(call)), CancellationToken.None).ConfigureAwait(false);
                        break;
                    case { } reply:
                        _pending.Complete(reply);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The connection is gone; the pending calls learn it below.
        }
        _pending.FailAll(new WebSocketException("the connection closed"));
    }
}
