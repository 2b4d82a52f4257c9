using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using ChargeLedger.Protocol.Mqtt.Packets;

namespace ChargeLedger.Protocol.Mqtt;

/// <summary>
/// One network connection: transport, the single writer that batches queued packets into one flush, the read loop
/// and keep-alive. It ends on the first failure and reports why; the client decides about reconnecting.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly Channel<OutboundPacket> _outbound =
        Channel.CreateUnbounded<OutboundPacket>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly uint _maximumPacketSize;
    private MqttStatusChange? _closeReason;
    private long _lastWriteTicks = Environment.TickCount64;
    private long _lastReadTicks = Environment.TickCount64;
    private volatile bool _deliveringToApplication;

    private MqttConnection(Socket socket, Stream stream, uint maximumPacketSize, long epoch)
    {
        _socket = socket;
        _stream = stream;
        _maximumPacketSize = maximumPacketSize;
        Epoch = epoch;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 65_536, minimumReadSize: 16_384));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 65_536));
    }

    public long Epoch { get; }

    public MqttConnAck ConnAck { get; private set; } = null!;

    /// <summary>Unacknowledged inbound QoS 1 messages on this connection (our Receive Maximum applies to it).</summary>
    public int InboundInFlight;

    public static async Task<MqttConnection> OpenAsync(MqttClientOptions options, long epoch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(TlsOptions(options, tls), timeout.Token).ConfigureAwait(false);
            }
            var connection = new MqttConnection(socket, stream, options.MaximumPacketSize, epoch);
            await connection.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            throw;
        }
    }

    private static SslClientAuthenticationOptions TlsOptions(MqttClientOptions options, MqttTlsOptions tls)
    {
        var ssl = new SslClientAuthenticationOptions { TargetHost = tls.TargetHost ?? options.Host };
        if (tls.ClientCertificate is not null)
        {
            ssl.ClientCertificates = [tls.ClientCertificate];
        }
        if (tls.TrustedCertificateAuthorities is { Count: > 0 } authorities)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(authorities);
            ssl.CertificateChainPolicy = policy;
        }
        return ssl;
    }

    private async Task HandshakeAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        MqttPacketWriter.WriteConnect(_writer, options, (ushort)Math.Clamp(options.KeepAlive.TotalSeconds, 0, ushort.MaxValue));
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = MqttPacketDecoder.TryDecode(buffer, _maximumPacketSize, out var packet, out var consumed, out var error);
            if (status == MqttDecodeStatus.NeedMoreData)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("The broker closed the connection before CONNACK.");
                }
                continue;
            }
            if (status == MqttDecodeStatus.Invalid)
            {
                _reader.AdvanceTo(buffer.Start);
                throw new MqttProtocolException(error.ReasonCode, "Invalid CONNACK: " + error);
            }
            _reader.AdvanceTo(buffer.GetPosition(consumed));
            if (packet.Type != MqttPacketType.ConnAck)
            {
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"Expected CONNACK, got {packet.Type}.");
            }
            if ((byte)packet.ReasonCode >= 0x80)
            {
                throw new MqttProtocolException(
                    packet.ReasonCode, $"The broker refused the connection: {packet.ReasonCode} {packet.ConnAck!.ReasonString}".TrimEnd());
            }
            ConnAck = packet.ConnAck!;
            return;
        }
    }

    /// <summary>Queues a packet for the writer; false once the connection is closing.</summary>
    public bool Send(in OutboundPacket packet) => _outbound.Writer.TryWrite(packet);

    /// <summary>Runs until the connection fails or is closed; returns why it ended.</summary>
    public async Task<MqttStatusChange> RunAsync(MqttClient client, TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        using var link = cancellationToken.Register(static s => ((MqttConnection)s!).Close(new MqttStatusChange(MqttClientStatus.Disconnected, "client stopping")), this);
        var writing = WriteLoopAsync();
        var keepingAlive = keepAlive > TimeSpan.Zero ? KeepAliveLoopAsync(keepAlive) : Task.CompletedTask;
        await ReadLoopAsync(client).ConfigureAwait(false);
        // Give a queued DISCONNECT a moment to reach the broker; the socket is torn down regardless.
        await Task.WhenAny(writing, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        _closing.Cancel();
        await Task.WhenAll(writing, keepingAlive).ConfigureAwait(false);
        return _closeReason!;
    }

    /// <summary>Ends the connection; the first reason wins. With a reason code a DISCONNECT is sent first.</summary>
    public void Close(MqttStatusChange reason, MqttReasonCode? disconnectCode = null)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }
        if (disconnectCode is { } code)
        {
            _outbound.Writer.TryWrite(new OutboundPacket(OutboundKind.Disconnect, 0, ReasonCode: code));
        }
        _outbound.Writer.TryComplete();
        if (disconnectCode is null)
        {
            _closing.Cancel();
        }
        _reader.CancelPendingRead();
    }

    /// <summary>Drops the TCP connection without DISCONNECT, as a crashed process would.</summary>
    public void Abort()
    {
        Close(new MqttStatusChange(MqttClientStatus.Disconnected, "aborted"));
        _socket.Close(0);
    }

    private async Task ReadLoopAsync(MqttClient client)
    {
        try
        {
            while (_closeReason is null)
            {
                var result = await _reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                Volatile.Write(ref _lastReadTicks, Environment.TickCount64);
                while (_closeReason is null)
                {
                    var status = MqttPacketDecoder.TryDecode(buffer, _maximumPacketSize, out var packet, out var consumed, out var error);
                    if (status == MqttDecodeStatus.NeedMoreData)
                    {
                        break;
                    }
                    if (status == MqttDecodeStatus.Invalid)
                    {
                        Close(new MqttStatusChange(MqttClientStatus.Disconnected, "invalid packet from broker: " + error, error.ReasonCode), error.ReasonCode);
                        break;
                    }
                    buffer = buffer.Slice(consumed);
                    if (packet.Type == MqttPacketType.Publish)
                    {
                        _deliveringToApplication = true;
                        await client.OnPublishAsync(this, packet.Message!).ConfigureAwait(false);
                        Volatile.Write(ref _lastReadTicks, Environment.TickCount64);
                        _deliveringToApplication = false;
                    }
                    else
                    {
                        client.OnPacket(this, packet);
                    }
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted && _closeReason is null)
                {
                    Close(new MqttStatusChange(MqttClientStatus.Disconnected, "the broker closed the connection"));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException or ChannelClosedException)
        {
            Close(new MqttStatusChange(MqttClientStatus.Disconnected, "connection lost: " + ex.Message, Error: ex));
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                var disconnecting = false;
                while (reader.TryRead(out var packet))
                {
                    Encode(packet);
                    disconnecting |= packet.Kind == OutboundKind.Disconnect;
                    if (_writer.UnflushedBytes > 256 * 1024)
                    {
                        await _writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                    }
                }
                await _writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
                if (disconnecting)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close(new MqttStatusChange(MqttClientStatus.Disconnected, "write failed: " + ex.Message, Error: ex));
        }
    }

    private void Encode(in OutboundPacket packet)
    {
        switch (packet.Kind)
        {
            case OutboundKind.PubAck:
                MqttPacketWriter.WritePubAck(_writer, packet.PacketId);
                break;
            case OutboundKind.Publish:
                var publish = (PendingPublish)packet.Data!;
                MqttPacketWriter.WritePublish(_writer, publish.Topic, publish.Payload.Span, publish.Qos, publish.Retain, publish.Sent, publish.PacketId);
                publish.Sent = publish.Qos != MqttQos.AtMostOnce;
                break;
            case OutboundKind.Subscribe:
                MqttPacketWriter.WriteSubscribe(_writer, packet.PacketId, (IReadOnlyList<MqttSubscription>)((PendingControl)packet.Data!).Filters);
                break;
            case OutboundKind.Unsubscribe:
                MqttPacketWriter.WriteUnsubscribe(_writer, packet.PacketId, (IReadOnlyList<string>)((PendingControl)packet.Data!).Filters);
                break;
            case OutboundKind.PingReq:
                MqttPacketWriter.WritePingReq(_writer);
                break;
            case OutboundKind.Disconnect:
                MqttPacketWriter.WriteDisconnect(_writer, packet.ReasonCode);
                break;
        }
    }

    private async Task KeepAliveLoopAsync(TimeSpan keepAlive)
    {
        var keepAliveMs = (long)keepAlive.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(250, keepAliveMs / 4)));
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (now - Volatile.Read(ref _lastWriteTicks) >= keepAliveMs / 2)
                {
                    Send(new OutboundPacket(OutboundKind.PingReq, 0));
                }
                // While the read loop waits for the application to take messages it is not reading: not the broker's fault.
                if (!_deliveringToApplication && now - Volatile.Read(ref _lastReadTicks) > keepAliveMs * 3 / 2)
                {
                    Close(new MqttStatusChange(MqttClientStatus.Disconnected, "keep-alive timeout: nothing received from the broker", MqttReasonCode.KeepAliveTimeout), MqttReasonCode.KeepAliveTimeout);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(new MqttStatusChange(MqttClientStatus.Disconnected, "disposed"));
        _closing.Cancel();
        // The transport may already be broken; completing the pipes must not fail the teardown.
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _closing.Dispose();
    }
}
