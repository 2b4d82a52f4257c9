using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ChargeLedger.Gateway.Hosting;

/// <summary>Counters served at <c>GET /metrics</c> in the Prometheus text format.</summary>
public sealed class GatewayMetrics
{
    private long _connected;
    private long _connectionsTotal;
    private long _authFailures;
    private long _framesUpstream;
    private long _framesDownstream;
    private long _downstreamDropped;
    private long _callErrorsSent;
    private readonly ConcurrentDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _disconnects = new(StringComparer.Ordinal);

    public long Connected => Interlocked.Read(ref _connected);

    public long AuthFailures => Interlocked.Read(ref _authFailures);

    public long FramesUpstream => Interlocked.Read(ref _framesUpstream);

    public long DownstreamDropped => Interlocked.Read(ref _downstreamDropped);

    public long CallErrorsSent => Interlocked.Read(ref _callErrorsSent);

    public long Disconnects(string reason) => _disconnects.TryGetValue(reason, out var n) ? n : 0;

    public long Refusals(string reason) => _refusals.TryGetValue(reason, out var n) ? n : 0;

    internal void OnConnected()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _connectionsTotal);
    }

    internal void OnDisconnected(string reason)
    {
        Interlocked.Decrement(ref _connected);
        _disconnects.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    internal void OnRefused(string reason) => _refusals.AddOrUpdate(reason, 1, (_, n) => n + 1);

    internal void OnAuthFailure() => Interlocked.Increment(ref _authFailures);

    internal void OnUpstream() => Interlocked.Increment(ref _framesUpstream);

    internal void OnDownstream() => Interlocked.Increment(ref _framesDownstream);

    internal void OnDownstreamDropped() => Interlocked.Increment(ref _downstreamDropped);

    internal void OnCallErrorSent() => Interlocked.Increment(ref _callErrorsSent);

    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, long value)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
        }
        void Labelled(string name, string help, string label, ConcurrentDictionary<string, long> values)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n");
            foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{{label}=\"{key}\"}} {value}\n");
            }
        }
        Metric("chargeledger_gateway_connections", "gauge", "Charge points connected now.", Connected);
        Metric("chargeledger_gateway_connections_total", "counter", "WebSocket connections accepted.", Interlocked.Read(ref _connectionsTotal));
        Metric("chargeledger_gateway_auth_failures_total", "counter", "Connections refused for a missing or wrong password.", AuthFailures);
        Metric("chargeledger_gateway_frames_upstream_total", "counter", "Frames published to the broker.", FramesUpstream);
        Metric("chargeledger_gateway_frames_downstream_total", "counter", "Frames sent to charge points.", Interlocked.Read(ref _framesDownstream));
        Metric("chargeledger_gateway_downstream_dropped_total", "counter", "Downstream messages dropped (charge point offline, queue full or invalid).", DownstreamDropped);
        Metric("chargeledger_gateway_callerrors_sent_total", "counter", "CALLERRORs the gateway itself sent for malformed frames.", CallErrorsSent);
        Labelled("chargeledger_gateway_refusals_total", "Handshakes refused, by reason.", "reason", _refusals);
        Labelled("chargeledger_gateway_disconnects_total", "Connections ended, by reason.", "reason", _disconnects);
        return text.ToString();
    }
}
