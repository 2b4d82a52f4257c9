using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Links;

/// <summary>
/// The MQTT transport: one broker connection for the whole fleet, playing the gateway's part exactly in the EMQX format
/// (CALLs on <c>cp/{cid}</c>, replies on <c>cp/{cid}/Reply</c>, downstream read from <c>cs/+</c>, connect/disconnect notices).
/// </summary>
public sealed class MqttFleetConnection : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly OcppTopics _topics;
    private readonly SimulatorOptions _options;
    private readonly ConcurrentDictionary<string, MqttLink> _links = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public MqttFleetConnection(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _topics = OcppTopics.Default with { MountPoint = options.MountPoint };
        _client = new MqttClient(new MqttClientOptions
        {
            Host = options.MqttHost,
            Port = options.MqttPort,
            ClientId = $"chargeledger-simulator-{options.IdPrefix}{Guid.NewGuid():N}",
            Username = options.MqttUsername,
            Password = options.MqttPassword is { } password ? Encoding.UTF8.GetBytes(password) : null,
            Tls = options.MqttTls
                ? new MqttTlsOptions { TrustedCertificateAuthorities = options.MqttTlsCaFile is { } ca ? [X509CertificateLoader.LoadCertificateFromFile(ca)] : null }
                : null,
            CleanStart = true,
            SessionExpiryIntervalSeconds = 0,
        });
    }

    internal SimulatorOptions Options => _options;

    internal OcppTopics Topics => _topics;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _client.StartAsync(cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(_topics.Filter(OcppTopicKind.Downstream), MqttQos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
    }

    public MqttLink Link(string chargePointId) => new(chargePointId, this);

    internal void Register(MqttLink link) => _links[link.ChargePointId] = link;

    internal void Unregister(MqttLink link) => _links.TryRemove(new KeyValuePair<string, MqttLink>(link.ChargePointId, link));

    internal Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken) =>
        _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain: false, cancellationToken);

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _client.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_topics.TryMatch(message.Topic, out var kind, out var cid) && kind == OcppTopicKind.Downstream &&
                    _links.TryGetValue(cid, out var link) && OcppMqttCodec.Parse(message.Payload.Span).Frame is { } frame)
                {
                    link.OnDownstream(frame);
                }
                await message.AckAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }
        await _client.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
