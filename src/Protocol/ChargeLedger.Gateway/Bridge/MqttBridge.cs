using System.Text;
using ChargeLedger.Gateway.Connections;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Gateway.Bridge;

/// <summary>
/// The gateway's single MQTT connection. Downstream it holds one wildcard subscription (<c>ocpp/cs/+</c>) instead of
/// one per charge point: a frame for a charge point that is not connected here is dropped, exactly what EMQX's
/// per-client subscription gives (no session, nothing queued), without 10,000 SUBSCRIBE round trips and without a
/// subscribe/unsubscribe race when a connection replaces another. Clean start and no session expiry, so nothing is
/// queued for us while the gateway is down either.
/// </summary>
public sealed class MqttBridge : IHostedService, IAsyncDisposable
{
    private readonly GatewaySettings _settings;
    private readonly SessionRegistry _registry;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<MqttBridge> _logger;
    private readonly MqttClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _pump;
    private int _disposed;

    public MqttBridge(GatewaySettings settings, SessionRegistry registry, GatewayMetrics metrics, ILogger<MqttBridge> logger)
    {
        _settings = settings;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _client = new MqttClient(new MqttClientOptions
        {
            Host = settings.MqttHost,
            Port = settings.MqttPort,
            ClientId = settings.MqttClientId,
            Username = settings.MqttUsername,
            Password = settings.MqttPassword is { } password ? Encoding.UTF8.GetBytes(password) : null,
            Tls = settings.MqttTls ? MqttTlsOptions.FromPemFiles(settings.MqttTlsCaFile, settings.MqttTlsCertificateFile, settings.MqttTlsKeyFile) : null,
            CleanStart = true,
            SessionExpiryIntervalSeconds = 0,
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
        });
        _client.StatusChanged += change =>
        {
            // A refused CONNACK (wrong account, not authorised) is an operator's problem, not routine reconnecting.
            if (change.ReasonCode is MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.NotAuthorized)
            {
                _logger.LogError("MQTT {Status}: {Reason}", change.Status, change.Reason);
            }
            else
            {
                _logger.LogInformation("MQTT {Status}: {Reason}", change.Status, change.Reason);
            }
        };
    }

    public bool IsConnected => _client.Status == MqttClientStatus.Connected;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _client.StartAsync(cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(_settings.Topics.Filter(OcppTopicKind.Downstream), MqttQos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        _pump = Task.Run(() => PumpDownstreamAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        await _client.DisconnectAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Idempotent: the container disposes the bridge once as a singleton and once as a hosted service.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>The upstream topic of a CP frame: CALLs by action (with overrides), replies and errors on the reply topic.</summary>
    public string UpstreamTopic(string chargePointId, OcppFrame frame)
    {
        if (frame is not OcppCall call)
        {
            return _settings.Topics.Reply(chargePointId);
        }
        var template = _settings.UpstreamOverrides.TryGetValue(call.Action, out var mapped) ? mapped : _settings.Topics.UpstreamTemplate;
        return template == _settings.Topics.UpstreamTemplate && !template.Contains("${action}", StringComparison.Ordinal)
            ? _settings.Topics.Upstream(chargePointId)
            : (_settings.Topics with { UpstreamTemplate = template.Replace("${action}", call.Action, StringComparison.Ordinal) }).Upstream(chargePointId);
    }

    /// <summary>
    /// Publishes at QoS 1 and waits for the PUBACK. False when the broker is unreachable or did not acknowledge in time:
    /// the caller then closes the charge point's socket so the charge point retries, rather than dropping the frame.
    /// </summary>
    public async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            return false;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.PublishTimeout);
        try
        {
            await _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain: false, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("No PUBACK for {Topic} within {Timeout}", topic, _settings.PublishTimeout);
            return false;
        }
        catch (MqttProtocolException ex)
        {
            _logger.LogWarning("The broker refused a publish to {Topic}: {Reason}", topic, ex.Message);
            return false;
        }
    }

    public Task<bool> PublishNoticeAsync(ChargePointSession session, OcppGatewayEvent kind, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var now = SystemClock.Instance.GetCurrentInstant();
        var notice = new OcppGatewayNotice(
            kind,
            _settings.Node,
            session.ChargePointId,
            session.Username,
            session.IpAddress,
            session.ConnectedAt,
            kind == OcppGatewayEvent.Disconnected ? now : null,
            now,
            reason,
            (int)_settings.DefaultHeartbeatInterval.TotalSeconds);
        var topic = $"{_settings.NoticePrefix}brokers/{_settings.Node}/gateway/ocpp/clients/{session.ChargePointId}/{(kind == OcppGatewayEvent.Connected ? "connected" : "disconnected")}";
        return PublishAsync(topic, notice.ToPayload(), cancellationToken);
    }

    private async Task PumpDownstreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _client.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Deliver(message);
                await message.AckAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Deliver(MqttMessage message)
    {
        if (!_settings.Topics.TryMatch(message.Topic, out var kind, out var chargePointId) || kind != OcppTopicKind.Downstream)
        {
            return;
        }
        var parsed = OcppMqttCodec.Parse(message.Payload.Span);
        if (!parsed.IsValid)
        {
            _metrics.OnDownstreamDropped();
            _logger.LogWarning("drop_invalid_message for {ChargePointId} on {Topic}: {Error}", chargePointId, message.Topic, parsed.Error);
            return;
        }
        if (!_registry.TryGet(chargePointId, out var session))
        {
            _metrics.OnDownstreamDropped();
            _logger.LogInformation("Dropped a downstream {Type} {UniqueId} for {ChargePointId}: not connected", parsed.Frame!.MessageType, parsed.Frame.UniqueId, chargePointId);
            return;
        }
        session.SendDownstream(parsed.Frame!);
    }
}
