using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>A charge point's WebSocket that keeps reading in the background: what it received, and how the server closed it.</summary>
public sealed class FuzzSocket : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentQueue<string> received = new();
    private readonly CancellationTokenSource stop = new();
    private Task reading = Task.CompletedTask;

    public IReadOnlyList<string> Received => [.. received];

    /// <summary>Set once the server has closed the connection (or it broke).</summary>
    public bool Closed { get; private set; }

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseReason => socket.CloseStatusDescription;

    public static async Task<FuzzSocket> ConnectAsync(Uri uri)
    {
        var fuzz = new FuzzSocket();
        fuzz.socket.Options.AddSubProtocol("ocpp1.6");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await fuzz.socket.ConnectAsync(uri, timeout.Token);
        fuzz.reading = Task.Run(fuzz.ReadAsync);
        return fuzz;
    }

    /// <summary>Sends one frame; a send cut short because the server already closed is not an error here.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.SendAsync(bytes, type, true, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            // the server closed or aborted while the frame was going out; Closed and CloseStatus say how
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Abort();
        await reading;
        socket.Dispose();
        stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), stop.Token);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stop.Token);
                    }
                    break;
                }
                received.Enqueue(Encoding.UTF8.GetString(buffer, 0, count));
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // aborted by the server or by DisposeAsync
        }
        finally
        {
            Closed = true;
        }
    }
}
