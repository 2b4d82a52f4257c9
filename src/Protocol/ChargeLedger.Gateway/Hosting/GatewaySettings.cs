using System.Globalization;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Gateway.Hosting;

public enum GatewayAuthMode
{
    /// <summary>Every charge point must present its password (HTTP Basic, username = identity).</summary>
    Required,

    /// <summary>Charge points with a stored password must present it; the others may connect without one.</summary>
    Optional,

    /// <summary>OCPP security profile 3: every charge point presents a client certificate whose CN is its identity.</summary>
    Certificate,
}

/// <summary>Everything the gateway needs, read from <c>CHARGELEDGER_*</c> environment variables with EMQX-like defaults.</summary>
public sealed record GatewaySettings
{
    /// <summary>Listen addresses (<c>http://</c> = ws, <c>https://</c> = wss); port 0 picks a free port.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:33033"];

    /// <summary>PFX for wss; when an https URL is configured without it, a self-signed certificate is created at <see cref="DevCertificatePath"/>.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    public string DevCertificatePath { get; init; } = Path.Combine(".local", "gateway", "dev-cert.pfx");

    public string MqttHost { get; init; } = "127.0.0.1";

    public int MqttPort { get; init; } = 18839;

    public string? MqttUsername { get; init; }

    public string? MqttPassword { get; init; }

    /// <summary>TLS to the broker, its certificate validated by the system store or by <see cref="MqttTlsCaFile"/>.</summary>
    public bool MqttTls { get; init; }

    public string? MqttTlsCaFile { get; init; }

    /// <summary>PEM client certificate (and key) for brokers that authenticate by certificate.</summary>
    public string? MqttTlsCertificateFile { get; init; }

    public string? MqttTlsKeyFile { get; init; }

    public string MqttClientId { get; init; } = "chargeledger-gateway-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>The node name in notice topics (EMQX: <c>emqx@host</c>).</summary>
    public string Node { get; init; } = "chargeledger-gateway@" + Environment.MachineName.ToLowerInvariant();

    /// <summary>EMQX publishes notices under <c>$SYS/</c>; Mosquitto refuses client publishes there, so it is configurable.</summary>
    public string NoticePrefix { get; init; } = "$SYS/";

    public OcppTopics Topics { get; init; } = OcppTopics.Default;

    /// <summary>Action → upstream template (EMQX <c>upstream.topic_override_mapping</c>), e.g. <c>BootNotification=cp/${cid}/Boot</c>.</summary>
    public IReadOnlyDictionary<string, string> UpstreamOverrides { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public GatewayAuthMode AuthMode { get; init; } = GatewayAuthMode.Required;

    /// <summary>
    /// PEM CA of charge point client certificates (security profile 3). When set, wss listeners ask for a client
    /// certificate; one that chains to this CA and whose CN is the identity authenticates the charge point.
    /// </summary>
    public string? ClientCertificateAuthorityPath { get; init; }

    public string CredentialsPath { get; init; } = Path.Combine(".local", "gateway", "credentials.json");

    public int MaxFrameBytes { get; init; } = 64 * 1024;

    public int MaxIdentityLength { get; init; } = 64;

    /// <summary>Initial keepalive window (EMQX <c>default_heartbeat_interval</c>); reset by a BootNotification.conf interval.</summary>
    public TimeSpan DefaultHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>EMQX <c>heartbeat_checking_times_backoff</c>: a silent charge point is closed after (backoff + 0.5) intervals.</summary>
    public double HeartbeatBackoff { get; init; } = 1;

    /// <summary>WebSocket ping interval; a missing pong within the same time aborts the connection.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an upstream frame may wait for the broker's PUBACK before the charge point is disconnected.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Downstream frames queued for one charge point (EMQX <c>dnstream.max_mqueue_len</c>); overflow is dropped and logged.</summary>
    public int MaxDownstreamQueue { get; init; } = 100;

    public static GatewaySettings FromEnvironment() => From(Environment.GetEnvironmentVariable);

    public static GatewaySettings From(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var d = new GatewaySettings();
        string Text(string name, string fallback) => env(name) is { Length: > 0 } value ? value : fallback;
        string? Optional(string name) => env(name) is { Length: > 0 } value ? value : null;
        int Number(string name, int fallback) => env(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        TimeSpan Seconds(string name, TimeSpan fallback) =>
            env(name) is { Length: > 0 } value ? TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) : fallback;
        var overrides = Text("CHARGELEDGER_GATEWAY_UPSTREAM_OVERRIDES", string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new FormatException($"CHARGELEDGER_GATEWAY_UPSTREAM_OVERRIDES: '{pair[0]}' needs Action=template."), StringComparer.Ordinal);
        var auth = Text("CHARGELEDGER_GATEWAY_AUTH", "required").ToLowerInvariant() switch
        {
            "required" => GatewayAuthMode.Required,
            "optional" => GatewayAuthMode.Optional,
            "certificate" => GatewayAuthMode.Certificate,
            var other => throw new FormatException($"CHARGELEDGER_GATEWAY_AUTH must be required, optional or certificate, not '{other}'."),
        };
        return new GatewaySettings
        {
            Urls = Text("CHARGELEDGER_GATEWAY_URLS", string.Join(';', d.Urls)).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            CertificatePath = Optional("CHARGELEDGER_GATEWAY_CERT"),
            CertificatePassword = Optional("CHARGELEDGER_GATEWAY_CERT_PASSWORD"),
            DevCertificatePath = Text("CHARGELEDGER_GATEWAY_DEV_CERT", d.DevCertificatePath),
            MqttHost = Text("CHARGELEDGER_MQTT_HOST", d.MqttHost),
            MqttPort = Number("CHARGELEDGER_MQTT_PORT", d.MqttPort),
            MqttUsername = Optional("CHARGELEDGER_MQTT_USERNAME"),
            MqttPassword = Optional("CHARGELEDGER_MQTT_PASSWORD"),
            MqttTls = Text("CHARGELEDGER_MQTT_TLS", "false").ToLowerInvariant() is "true" or "1" or "yes",
            MqttTlsCaFile = Optional("CHARGELEDGER_MQTT_TLS_CA_FILE"),
            MqttTlsCertificateFile = Optional("CHARGELEDGER_MQTT_TLS_CERT_FILE"),
            MqttTlsKeyFile = Optional("CHARGELEDGER_MQTT_TLS_KEY_FILE"),
            MqttClientId = Text("CHARGELEDGER_GATEWAY_CLIENT_ID", d.MqttClientId),
            Node = Text("CHARGELEDGER_GATEWAY_NODE", d.Node),
            NoticePrefix = Text("CHARGELEDGER_NOTICE_PREFIX", d.NoticePrefix),
            Topics = OcppTopics.Default with { MountPoint = Text("CHARGELEDGER_MOUNT_POINT", OcppTopics.Default.MountPoint) },
            UpstreamOverrides = overrides,
            AuthMode = auth,
            ClientCertificateAuthorityPath = Optional("CHARGELEDGER_GATEWAY_CLIENT_CA"),
            CredentialsPath = Text("CHARGELEDGER_GATEWAY_CREDENTIALS", d.CredentialsPath),
            MaxFrameBytes = Number("CHARGELEDGER_GATEWAY_MAX_FRAME_BYTES", d.MaxFrameBytes),
            MaxIdentityLength = Number("CHARGELEDGER_GATEWAY_MAX_IDENTITY_LENGTH", d.MaxIdentityLength),
            DefaultHeartbeatInterval = Seconds("CHARGELEDGER_GATEWAY_HEARTBEAT_SECONDS", d.DefaultHeartbeatInterval),
            PingInterval = Seconds("CHARGELEDGER_GATEWAY_PING_SECONDS", d.PingInterval),
            PublishTimeout = Seconds("CHARGELEDGER_GATEWAY_PUBLISH_TIMEOUT_SECONDS", d.PublishTimeout),
            MaxDownstreamQueue = Number("CHARGELEDGER_GATEWAY_MAX_DOWNSTREAM_QUEUE", d.MaxDownstreamQueue),
        };
    }
}
