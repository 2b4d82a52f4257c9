using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Simulator.Links;

/// <summary>One charge point on the fleet's MQTT connection; connecting and disconnecting publish the gateway notices.</summary>
public sealed class MqttLink : IChargePointLink
{
    private readonly MqttFleetConnection _fleet;
    private readonly PendingCalls _pending;
    private Instant _connectedAt;

    internal MqttLink(string chargePointId, MqttFleetConnection fleet)
    {
        ChargePointId = chargePointId;
        _fleet = fleet;
        _pending = new PendingCalls(fleet.Options.CallTimeout);
    }

    public string ChargePointId { get; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _connectedAt = SystemClock.Instance.GetCurrentInstant();
        _fleet.Register(this);
        await PublishNoticeAsync(OcppGatewayEvent.Connected, null, cancellationToken).ConfigureAwait(false);
    }

    public Task<OcppFrame> CallAsync(OcppCall call, CancellationToken cancellationToken) =>
        _pending.AwaitAsync(call.UniqueId, () => _fleet.PublishAsync(_fleet.Topics.Upstream(ChargePointId), OcppMqttCodec.Serialize(call), cancellationToken), cancellationToken);

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        _fleet.Unregister(this);
        await PublishNoticeAsync(OcppGatewayEvent.Disconnected, "normal", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Never waits: the fleet's reader must keep draining, or PUBACKs for our own publishes could stall behind it.</summary>
    internal void OnDownstream(OcppFrame frame)
    {
        if (frame is OcppCall call)
        {
            _ = _fleet.PublishAsync(_fleet.Topics.Reply(ChargePointId), OcppMqttCodec.Serialize(ChargePointResponder.Answer(call)), CancellationToken.None)
                .ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return;
        }
        _pending.Complete(frame);
    }

    private Task PublishNoticeAsync(OcppGatewayEvent kind, string? reason, CancellationToken cancellationToken)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var node = "chargeledger-simulator@" + Environment.MachineName.ToLowerInvariant();
        var notice = new OcppGatewayNotice(kind, node, ChargePointId, ChargePointId, "127.0.0.1", _connectedAt,
            kind == OcppGatewayEvent.Disconnected ? now : null, now, reason, 60);
        var topic = $"{_fleet.Options.NoticePrefix}brokers/{node}/gateway/ocpp/clients/{ChargePointId}/{(kind == OcppGatewayEvent.Connected ? "connected" : "disconnected")}";
        return _fleet.PublishAsync(topic, notice.ToPayload(), cancellationToken);
    }
}
