using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ChargeLedger.Gateway.Bridge;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Gateway.Connections;

/// <summary>
/// One charge point's WebSocket. Upstream frames are read one at a time and each is published (QoS 1, PUBACK awaited)
/// before the next is read, so per-CP order holds and nothing is dropped: if the broker cannot take a frame the socket
/// is closed and the charge point retries. Downstream frames pass through a small bounded queue drained by one writer,
/// which is also the only sender (a WebSocket allows one send at a time).
/// </summary>
public sealed class ChargePointSession
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly MqttBridge _bridge;
    private readonly GatewaySettings _settings;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<string> _outbound;
    private readonly CancellationTokenSource _lifetime;
    private long _lastTextFrameTicks = Environment.TickCount64;
    private long _keepAliveMilliseconds;
    private string? _closeReason;
    private int _noticeClaimed;
    private Task? _closing;

    public ChargePointSession(
        string chargePointId, string? username, string? ipAddress, WebSocket socket,
        MqttBridge bridge, GatewaySettings settings, GatewayMetrics metrics, ILogger logger, CancellationToken requestAborted)
    {
        ChargePointId = chargePointId;
        Username = username;
        IpAddress = ipAddress;
        _socket = socket;
        _bridge = bridge;
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _keepAliveMilliseconds = (long)settings.DefaultHeartbeatInterval.TotalMilliseconds;
        _outbound = Channel.CreateBounded<string>(new BoundedChannelOptions(settings.MaxDownstreamQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    public string ChargePointId { get; }

    public string? Username { get; }

    public string? IpAddress { get; }

    public Instant ConnectedAt { get; } = SystemClock.Instance.GetCurrentInstant();

    public TimeSpan KeepAlive => TimeSpan.FromMilliseconds(Interlocked.Read(ref _keepAliveMilliseconds));

    public TimeSpan SilentFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastTextFrameTicks));

    /// <summary>Runs until the socket closes; publishes the disconnected notice unless a replacement already did.</summary>
    public async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        try
        {
            await ReceiveLoopAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (WebSocketException ex) when (ex is { WebSocketErrorCode: WebSocketError.Faulted, InnerException: null } && Volatile.Read(ref _closing) is null)
        {
            // The framework refused a frame before we saw it (1007 for invalid UTF-8 in a text frame, 1002 for bad framing)
            // and has already sent its close frame, without a reason text: count it as what it is, not as a lost socket.
            _closeReason ??= "invalid_frame";
            _logger.LogWarning("{ChargePointId}: frame refused by the WebSocket layer ({Message})", ChargePointId, ex.Message);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            _closeReason ??= "sock_closed";
            _logger.LogInformation("{ChargePointId}: connection lost ({Message})", ChargePointId, ex.Message);
        }
        finally
        {
            _outbound.Writer.TryComplete();
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            await FinishCloseAsync().ConfigureAwait(false);
            var reason = _closeReason ?? "normal";
            _metrics.OnDisconnected(reason);
            if (ClaimNotice())
            {
                await _bridge.PublishNoticeAsync(this, OcppGatewayEvent.Disconnected, reason, CancellationToken.None).ConfigureAwait(false);
            }
            _logger.LogInformation("{ChargePointId} disconnected: {Reason}", ChargePointId, reason);
            _lifetime.Dispose();
        }
    }

    /// <summary>Claims the single disconnected notice of this session (the replacing connection claims it first).</summary>
    public bool ClaimNotice() => Interlocked.Exchange(ref _noticeClaimed, 1) == 0;

    /// <summary>Queues a frame from the Central System; a full queue drops it (logged), as EMQX's max_mqueue_len does.</summary>
    public void SendDownstream(OcppFrame frame)
    {
        if (frame is OcppCallResult { Payload: { ValueKind: JsonValueKind.Object } payload } &&
            payload.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.ValueEquals("Accepted") &&
            payload.TryGetProperty("interval", out var interval) && interval.TryGetInt32(out var seconds) && seconds > 0)
        {
            Interlocked.Exchange(ref _keepAliveMilliseconds, seconds * 1000L);
        }
        if (!_outbound.Writer.TryWrite(OcppJsonArrayCodec.Serialize(frame)))
        {
            _metrics.OnDownstreamDropped();
            _logger.LogWarning("{ChargePointId}: downstream queue full or closed, dropped {Type} {UniqueId}", ChargePointId, frame.MessageType, frame.UniqueId);
        }
    }

    /// <summary>Starts a clean close (close frame, then abort if the peer does not complete it within a grace period).</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        _closeReason ??= reason;
        var closing = new Task<Task>(() => CloseOutputAsync(status, reason));
        if (Interlocked.CompareExchange(ref _closing, closing.Unwrap(), null) is not null)
        {
            return;
        }
        _logger.LogInformation("{ChargePointId}: closing ({Status}, {Reason})", ChargePointId, (int)status, reason);
        closing.Start(TaskScheduler.Default);
        try
        {
            _lifetime.CancelAfter(CloseGrace);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            _outbound.Writer.TryComplete();
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseGrace);
                await _socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Lets our close frame go out and waits briefly for the peer's, so the close handshake completes.</summary>
    private async Task FinishCloseAsync()
    {
        if (Volatile.Read(ref _closing) is not { } closing)
        {
            return;
        }
        await closing.ConfigureAwait(false);
        var scratch = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            using var timeout = new CancellationTokenSource(CloseGrace);
            while (_socket.State == WebSocketState.CloseSent)
            {
                await _socket.ReceiveAsync(scratch.AsMemory(), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var limit = _settings.MaxFrameBytes;
        while (_socket.State == WebSocketState.Open)
        {
            // Wait for the next frame without holding a buffer: idle connections then cost no receive buffer.
            var result = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await AnswerCloseAsync().ConfigureAwait(false);
                return;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
            try
            {
                var count = 0;
                while (!result.EndOfMessage && count <= limit)
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, limit + 1 - count), cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await AnswerCloseAsync().ConfigureAwait(false);
                        return;
                    }
                    count += result.Count;
                }
                if (count > limit)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, "frame_too_large");
                    return;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Close(WebSocketCloseStatus.InvalidMessageType, "binary_frame_not_supported");
                    return;
                }
                if (!await HandleTextAsync(buffer.AsSpan(0, count).ToArray(), cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>False when the connection must end.</summary>
    private async Task<bool> HandleTextAsync(byte[] utf8, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastTextFrameTicks, Environment.TickCount64);
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            Close(WebSocketCloseStatus.InvalidPayloadData, "invalid_utf8");
            return false;
        }
        var parsed = OcppJsonArrayCodec.Parse(text);
        if (!parsed.IsValid)
        {
            var error = parsed.Error!;
            _logger.LogWarning("{ChargePointId}: malformed frame ({Error}): {Text}", ChargePointId, error, text.Length > 200 ? text[..200] : text);
            if (error.UniqueId is { } uniqueId)
            {
                _metrics.OnCallErrorSent();
                _outbound.Writer.TryWrite(OcppJsonArrayCodec.Serialize(new OcppCallError(uniqueId, error.Code, error.Description)));
                return true;
            }
            if (IsJson(utf8))
            {
                Close(WebSocketCloseStatus.ProtocolError, "frame_error");
            }
            else
            {
                Close(WebSocketCloseStatus.InvalidPayloadData, "badjson");
            }
            return false;
        }
        var frame = parsed.Frame!;
        if (!await _bridge.PublishAsync(_bridge.UpstreamTopic(ChargePointId, frame), OcppMqttCodec.Serialize(frame), cancellationToken).ConfigureAwait(false))
        {
            Close(WebSocketCloseStatus.InternalServerError, "broker_unavailable");
            return false;
        }
        _metrics.OnUpstream();
        return true;
    }

    private async Task AnswerCloseAsync()
    {
        _closeReason ??= "normal";
        if (_socket.State == WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseGrace);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var text in _outbound.Reader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, _lifetime.Token).ConfigureAwait(false);
                _metrics.OnDownstream();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug("{ChargePointId}: writer stopped ({Message})", ChargePointId, ex.Message);
        }
    }

    private static bool IsJson(byte[] utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            return JsonDocument.TryParseValue(ref reader, out var document) && Dispose(document);
        }
        catch (JsonException)
        {
            return false;
        }

        static bool Dispose(JsonDocument? document)
        {
            document?.Dispose();
            return true;
        }
    }
}
