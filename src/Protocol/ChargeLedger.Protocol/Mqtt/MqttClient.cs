using System.Text;
using System.Threading.Channels;
using ChargeLedger.Protocol.Mqtt.Packets;

namespace ChargeLedger.Protocol.Mqtt;

/// <summary>
/// MQTT 5.0 client built for at-least-once ingestion: a durable session, explicit acknowledgement of every QoS 1
/// message (the PUBACK goes out only when the application calls <see cref="AcknowledgeAsync"/>), outbound QoS 1
/// publishes that complete on PUBACK and survive reconnects, and automatic reconnection with jittered backoff.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly Channel<MqttMessage> _messages;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MqttSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<ushort, PendingControl> _pendingControl = [];
    private readonly Dictionary<ushort, PendingPublish> _pendingPublishes = [];
    private readonly Queue<PendingPublish> _unsent = new();
    private readonly SemaphoreSlim _publishSlots;
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MqttConnection? _connection;
    private long _epoch;
    private long _sequence;
    private int _inFlightOut;
    private ushort _sendQuota = ushort.MaxValue;
    private uint _brokerMaximumPacketSize = uint.MaxValue;
    private ushort _nextPacketId;
    private CancellationTokenSource? _run;
    private Task? _runTask;

    public MqttClient(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.InboundQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _publishSlots = new SemaphoreSlim(options.MaxPendingPublishes, options.MaxPendingPublishes);
    }

    /// <summary>Raised on every connection state change, on the client's own thread: keep handlers short.</summary>
    public event Action<MqttStatusChange>? StatusChanged;

    public MqttClientStatus Status { get; private set; } = MqttClientStatus.Disconnected;

    /// <summary>
    /// Received messages in arrival order, across reconnects. Read in batches (TryRead after WaitToReadAsync),
    /// make their effects durable, then acknowledge each.
    /// </summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;

    /// <summary>Starts the connection loop and waits for the first successful CONNACK (retrying meanwhile).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException("The client was already started.");
            }
            _run = new CancellationTokenSource();
            _runTask = Task.Run(() => RunAsync(_run.Token), CancellationToken.None);
        }
        await _firstConnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Subscribes and waits for the SUBACK. The subscription is remembered and renewed after a reconnect that
    /// found no session on the broker.
    /// </summary>
    public async Task SubscribeAsync(IReadOnlyList<MqttSubscription> subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        lock (_gate)
        {
            foreach (var subscription in subscriptions)
            {
                _subscriptions[subscription.TopicFilter] = subscription;
            }
        }
        var codes = await SendControlAsync(OutboundKind.Subscribe, subscriptions, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] >= 0x80)
            {
                var filter = i < subscriptions.Count ? subscriptions[i].TopicFilter : "?";
                lock (_gate)
                {
                    _subscriptions.Remove(filter);
                }
                throw new MqttProtocolException((MqttReasonCode)codes[i], $"The broker refused the subscription to '{filter}': {(MqttReasonCode)codes[i]}.");
            }
        }
    }

    public Task SubscribeAsync(string topicFilter, MqttQos qos, CancellationToken cancellationToken) =>
        SubscribeAsync([new MqttSubscription(topicFilter, qos)], cancellationToken);

    public async Task UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicFilters);
        lock (_gate)
        {
            foreach (var filter in topicFilters)
            {
                _subscriptions.Remove(filter);
            }
        }
        await SendControlAsync(OutboundKind.Unsubscribe, topicFilters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes a message. QoS 0 completes once queued on the live connection (and fails when disconnected).
    /// QoS 1 completes when the broker's PUBACK arrives, and throws <see cref="MqttProtocolException"/> on a
    /// refusing reason code; it is kept and resent with DUP across reconnects until then.
    /// </summary>
    public async Task PublishAsync(
        string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        if (topicBytes.Length > ushort.MaxValue || topic.AsSpan().IndexOfAny('+', '#') >= 0 || topic.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{topic}' is not a valid MQTT topic name.", nameof(topic));
        }
        if (MqttPacketWriter.PublishSize(topicBytes.Length, payload.Length, qos) > Volatile.Read(ref _brokerMaximumPacketSize))
        {
            throw new MqttProtocolException(MqttReasonCode.PacketTooLarge, $"A {payload.Length}-byte message exceeds the broker's maximum packet size.");
        }
        if (qos == MqttQos.AtMostOnce)
        {
            var connection = _connection;
            if (connection is null || !connection.Send(new OutboundPacket(OutboundKind.Publish, 0, new PendingPublish(topicBytes, payload, qos, retain, 0, 0))))
            {
                throw new MqttProtocolException(MqttReasonCode.UnspecifiedError, "Not connected: QoS 0 messages are not queued.");
            }
            return;
        }
        await _publishSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        PendingPublish pending;
        lock (_gate)
        {
            pending = new PendingPublish(topicBytes, payload, qos, retain, AllocatePacketId(), _sequence++);
            _pendingPublishes.Add(pending.PacketId, pending);
            _unsent.Enqueue(pending);
            PumpPublishes();
        }
        await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Acknowledges a received message: queues its PUBACK, written with the others in one flush. Returns false when
    /// the message arrived on an earlier connection (the broker redelivers it, so it must not count as acknowledged).
    /// Acknowledging twice is harmless.
    /// </summary>
    public ValueTask<bool> AcknowledgeAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        if (message.Qos == MqttQos.AtMostOnce)
        {
            return ValueTask.FromResult(true);
        }
        var connection = _connection;
        if (connection is null || connection.Epoch != message.ConnectionEpoch)
        {
            return ValueTask.FromResult(false);
        }
        if (!message.TryClaimAcknowledgement())
        {
            return ValueTask.FromResult(true);
        }
        Interlocked.Decrement(ref connection.InboundInFlight);
        return ValueTask.FromResult(connection.Send(new OutboundPacket(OutboundKind.PubAck, message.PacketId)));
    }

    /// <summary>Sends DISCONNECT with the reason code and stops; the broker keeps the session for its expiry interval.</summary>
    public async Task DisconnectAsync(MqttReasonCode reasonCode = MqttReasonCode.Success, CancellationToken cancellationToken = default)
    {
        Task? runTask;
        lock (_gate)
        {
            runTask = _runTask;
            _connection?.Close(new MqttStatusChange(MqttClientStatus.Disconnected, "disconnected by the application", reasonCode), reasonCode);
        }
        if (runTask is null)
        {
            return;
        }
        await _run!.CancelAsync().ConfigureAwait(false);
        await runTask.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops the network connection without DISCONNECT, as if the process had died (tests).</summary>
    internal void AbortConnection() => _connection?.Abort();

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        _run?.Dispose();
        _publishSlots.Dispose();
    }

    private async Task<byte[]> SendControlAsync(OutboundKind kind, object filters, CancellationToken cancellationToken)
    {
        PendingControl pending;
        lock (_gate)
        {
            pending = new PendingControl(kind, filters);
            var packetId = AllocatePacketId();
            _pendingControl.Add(packetId, pending);
            _connection?.Send(new OutboundPacket(kind, packetId, pending));
        }
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Caller holds the gate. Ids are shared by publishes and (un)subscribes; at most 65,535 in use.</summary>
    private ushort AllocatePacketId()
    {
        if (_pendingPublishes.Count + _pendingControl.Count >= ushort.MaxValue)
        {
            throw new InvalidOperationException("All 65,535 packet identifiers are in use.");
        }
        do
        {
            _nextPacketId = (ushort)(_nextPacketId == ushort.MaxValue ? 1 : _nextPacketId + 1);
        }
        while (_pendingPublishes.ContainsKey(_nextPacketId) || _pendingControl.ContainsKey(_nextPacketId));
        return _nextPacketId;
    }

    /// <summary>Caller holds the gate. Sends queued publishes while the broker's Receive Maximum allows.</summary>
    private void PumpPublishes()
    {
        var connection = _connection;
        while (connection is not null && _inFlightOut < _sendQuota && _unsent.TryDequeue(out var pending))
        {
            if (!_pendingPublishes.ContainsKey(pending.PacketId))
            {
                continue;
            }
            _inFlightOut++;
            connection.Send(new OutboundPacket(OutboundKind.Publish, pending.PacketId, pending));
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            Raise(new MqttStatusChange(MqttClientStatus.Connecting, $"connecting to {_options.Host}:{_options.Port}"));
            MqttConnection? connection = null;
            MqttStatusChange ended;
            try
            {
                connection = await MqttConnection.OpenAsync(_options, Interlocked.Increment(ref _epoch), cancellationToken).ConfigureAwait(false);
                attempt = 0;
                var keepAlive = connection.ConnAck.ServerKeepAliveSeconds is { } serverKeepAlive
                    ? TimeSpan.FromSeconds(serverKeepAlive)
                    : TimeSpan.FromSeconds(Math.Round(_options.KeepAlive.TotalSeconds));
                OnConnected(connection);
                ended = await connection.RunAsync(this, keepAlive, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                ended = new MqttStatusChange(MqttClientStatus.Disconnected, "client stopping");
            }
            catch (Exception ex)
            {
                ended = new MqttStatusChange(MqttClientStatus.Disconnected, "connect failed: " + ex.Message, (ex as MqttProtocolException)?.ReasonCode, Error: ex);
            }
            if (connection is not null)
            {
                OnDisconnected(connection);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            Raise(ended);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await Task.Delay(Backoff(attempt++), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Shutdown();
    }

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private void OnConnected(MqttConnection connection)
    {
        var connAck = connection.ConnAck;
        lock (_gate)
        {
            _connection = connection;
            _sendQuota = connAck.ReceiveMaximum;
            _brokerMaximumPacketSize = connAck.MaximumPacketSize ?? uint.MaxValue;
            _inFlightOut = 0;
            // Renew what the broker forgot; requests never acknowledged are resent either way. A resumed session keeps
            // its subscriptions, except that Mosquitto 2.0 restores a persisted session after a restart without its
            // shared ones (seen by eng/faults): those are renewed always, which is harmless where the broker kept them.
            var renew = _subscriptions.Values.Where(s => !connAck.SessionPresent || s.IsShared).ToList();
            foreach (var (packetId, control) in _pendingControl)
            {
                connection.Send(new OutboundPacket(control.Kind, packetId, control));
                if (control.Filters is IReadOnlyList<MqttSubscription> requested)
                {
                    renew.RemoveAll(requested.Contains);
                }
            }
            if (renew.Count > 0)
            {
                var resubscribe = new PendingControl(OutboundKind.Subscribe, renew);
                var packetId = AllocatePacketId();
                _pendingControl.Add(packetId, resubscribe);
                connection.Send(new OutboundPacket(OutboundKind.Subscribe, packetId, resubscribe));
                _ = resubscribe.Completion.Task.ContinueWith(
                    t => ReportResubscribe(renew, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            _unsent.Clear();
            foreach (var pending in _pendingPublishes.Values.OrderBy(p => p.Sequence))
            {
                _unsent.Enqueue(pending);
            }
            PumpPublishes();
        }
        Raise(new MqttStatusChange(MqttClientStatus.Connected, connAck.SessionPresent ? "connected, session resumed" : "connected, new session", SessionPresent: connAck.SessionPresent));
        _firstConnected.TrySetResult();
    }

    private void ReportResubscribe(List<MqttSubscription> renewed, Task<byte[]> result)
    {
        if (!result.IsCompletedSuccessfully)
        {
            return;
        }
        var codes = result.Result;
        for (var i = 0; i < codes.Length && i < renewed.Count; i++)
        {
            if (codes[i] >= 0x80)
            {
                Raise(new MqttStatusChange(Status, $"the broker refused the renewed subscription to '{renewed[i].TopicFilter}'", (MqttReasonCode)codes[i]));
            }
        }
    }

    private void OnDisconnected(MqttConnection connection)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
            }
            _inFlightOut = 0;
        }
    }

    private void Shutdown()
    {
        lock (_gate)
        {
            var stopped = new MqttProtocolException(MqttReasonCode.UnspecifiedError, "The client stopped before the broker acknowledged.");
            foreach (var pending in _pendingPublishes.Values)
            {
                pending.Completion.TrySetException(stopped);
            }
            foreach (var control in _pendingControl.Values)
            {
                control.Completion.TrySetException(stopped);
            }
            _pendingPublishes.Clear();
            _pendingControl.Clear();
            _unsent.Clear();
        }
        _messages.Writer.TryComplete();
        _firstConnected.TrySetException(new OperationCanceledException("The client stopped before it connected."));
        Raise(new MqttStatusChange(MqttClientStatus.Stopped, "stopped"));
    }

    private void Raise(MqttStatusChange change)
    {
        Status = change.Status;
        StatusChanged?.Invoke(change);
    }

    internal ValueTask OnPublishAsync(MqttConnection connection, MqttMessage message)
    {
        if (message.Qos == MqttQos.AtLeastOnce &&
            Interlocked.Increment(ref connection.InboundInFlight) > _options.ReceiveMaximum)
        {
            connection.Close(
                new MqttStatusChange(MqttClientStatus.Disconnected, $"the broker exceeded our Receive Maximum of {_options.ReceiveMaximum}", MqttReasonCode.ReceiveMaximumExceeded),
                MqttReasonCode.ReceiveMaximumExceeded);
            return ValueTask.CompletedTask;
        }
        message.Attach(this, connection.Epoch);
        return _messages.Writer.TryWrite(message) ? ValueTask.CompletedTask : _messages.Writer.WriteAsync(message);
    }

    internal void OnPacket(MqttConnection connection, in InboundPacket packet)
    {
        switch (packet.Type)
        {
            case MqttPacketType.PubAck:
                OnPubAck(connection, packet);
                break;
            case MqttPacketType.SubAck:
            case MqttPacketType.UnsubAck:
                OnControlAck(connection, packet);
                break;
            case MqttPacketType.Disconnect:
                connection.Close(new MqttStatusChange(
                    MqttClientStatus.Disconnected,
                    $"the broker disconnected: {packet.ReasonCode} {packet.ReasonString}".TrimEnd(),
                    packet.ReasonCode));
                break;
            case MqttPacketType.ConnAck:
                connection.Close(
                    new MqttStatusChange(MqttClientStatus.Disconnected, "a second CONNACK from the broker", MqttReasonCode.ProtocolError),
                    MqttReasonCode.ProtocolError);
                break;
        }
    }

    private void OnPubAck(MqttConnection connection, in InboundPacket packet)
    {
        PendingPublish? pending;
        lock (_gate)
        {
            if (!_pendingPublishes.Remove(packet.PacketId, out pending))
            {
                // A PUBACK for an id we do not have in flight: the broker is confused; not worth the connection.
                return;
            }
            if (ReferenceEquals(_connection, connection) && _inFlightOut > 0)
            {
                _inFlightOut--;
            }
            PumpPublishes();
        }
        _publishSlots.Release();
        if ((byte)packet.ReasonCode >= 0x80)
        {
            pending.Completion.TrySetException(new MqttProtocolException(
                packet.ReasonCode, $"The broker refused the publish: {packet.ReasonCode} {packet.ReasonString}".TrimEnd()));
        }
        else
        {
            pending.Completion.TrySetResult();
        }
    }

    private void OnControlAck(MqttConnection connection, in InboundPacket packet)
    {
        PendingControl? pending;
        lock (_gate)
        {
            if (!_pendingControl.TryGetValue(packet.PacketId, out pending) ||
                (pending.Kind == OutboundKind.Subscribe) != (packet.Type == MqttPacketType.SubAck))
            {
                pending = null;
            }
            else
            {
                _pendingControl.Remove(packet.PacketId);
            }
        }
        if (pending is null)
        {
            connection.Close(
                new MqttStatusChange(MqttClientStatus.Disconnected, $"{packet.Type} for unknown packet identifier {packet.PacketId}", MqttReasonCode.ProtocolError),
                MqttReasonCode.ProtocolError);
            return;
        }
        pending.Completion.TrySetResult(packet.ReasonCodes!);
    }
}
