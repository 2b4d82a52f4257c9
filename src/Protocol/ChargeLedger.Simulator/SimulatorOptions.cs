using System.Globalization;

namespace ChargeLedger.Simulator;

public enum SimulatorTransport
{
    /// <summary>OCPP-J over WebSocket to the gateway.</summary>
    Ws,

    /// <summary>Straight to the broker in the EMQX format: the simulator is its own gateway (topics and notices).</summary>
    Mqtt,
}

/// <summary>What to simulate. Same seed, same options → the same fleet, sessions, values and device times.</summary>
public sealed record SimulatorOptions
{
    public int ChargePoints { get; init; } = 10;

    /// <summary>Sessions per charge point; null = as many as fit in <see cref="Duration"/>.</summary>
    public int? Sessions { get; init; } = 2;

    /// <summary>Stop starting sessions after this long (wall clock).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Most frames per second across the fleet (0 = as fast as the Central System answers).</summary>
    public double Rate { get; init; }

    public SimulatorTransport Transport { get; init; } = SimulatorTransport.Ws;

    /// <summary>The gateway's base address; the charge point id is appended (<c>ws://127.0.0.1:33033/ocpp</c>).</summary>
    public Uri GatewayUrl { get; init; } = new("ws://127.0.0.1:33033/ocpp");

    /// <summary>HTTP Basic password sent by every simulated charge point (null = none).</summary>
    public string? Password { get; init; }

    public string MqttHost { get; init; } = "127.0.0.1";

    public int MqttPort { get; init; } = 18839;

    public string? MqttUsername { get; init; }

    public string? MqttPassword { get; init; }

    /// <summary>TLS to the broker, validated by the system store or by <see cref="MqttTlsCaFile"/>.</summary>
    public bool MqttTls { get; init; }

    public string? MqttTlsCaFile { get; init; }

    public string MountPoint { get; init; } = "ocpp/";

    public string NoticePrefix { get; init; } = "$SYS/";

    public string IdPrefix { get; init; } = "SIM-";

    /// <summary>Share of charge points that lose their connection in one session and replay its queued messages.</summary>
    public double OfflineShare { get; init; } = 0.1;

    /// <summary>Share of sessions in which transaction messages are sent twice (same frame, same UniqueId).</summary>
    public double DuplicateShare { get; init; } = 0.1;

    /// <summary>Share of sessions followed by a StatusNotification Faulted (then Available again).</summary>
    public double FaultShare { get; init; } = 0.05;

    public int Seed { get; init; } = 1;

    public string? TruthFile { get; init; }

    /// <summary>For <c>check</c>: the flat energy tariff (price per kWh, VAT) the API must have priced every session with.</summary>
    public decimal? PricePerKwh { get; init; }

    public decimal? VatPercent { get; init; }

    /// <summary>How long one CALL waits for the Central System's answer before it is resent (or given up).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a message that must arrive is resent (and the connection re-established) before the simulator gives up.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(5);

    public static SimulatorOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SimulatorOptions
        {
            MqttHost = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_HOST") is { Length: > 0 } host ? host : "127.0.0.1",
            MqttPort = int.TryParse(Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PORT"), out var port) ? port : 18839,
            MqttUsername = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_USERNAME") is { Length: > 0 } user ? user : null,
            MqttPassword = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PASSWORD") is { Length: > 0 } password ? password : null,
            MqttTls = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_TLS") is { Length: > 0 } tls && bool.Parse(tls),
            MqttTlsCaFile = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_TLS_CA_FILE") is { Length: > 0 } ca ? ca : null,
            MountPoint = Environment.GetEnvironmentVariable("CHARGELEDGER_MOUNT_POINT") is { Length: > 0 } mount ? mount : "ocpp/",
            NoticePrefix = Environment.GetEnvironmentVariable("CHARGELEDGER_NOTICE_PREFIX") is { Length: > 0 } prefix ? prefix : "$SYS/",
        };
        var sessionsGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--charge-points" => options with { ChargePoints = (int)Number() },
                "--sessions" => options with { Sessions = (int)Number() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number()) },
                "--rate" => options with { Rate = Number() },
                "--transport" => options with { Transport = Enum.Parse<SimulatorTransport>(Value(), ignoreCase: true) },
                "--gateway-url" => options with { GatewayUrl = new Uri(Value().TrimEnd('/')) },
                "--password" => options with { Password = Value() },
                "--mqtt-host" => options with { MqttHost = Value() },
                "--mqtt-port" => options with { MqttPort = (int)Number() },
                "--mount-point" => options with { MountPoint = Value() },
                "--notice-prefix" => options with { NoticePrefix = Value() },
                "--id-prefix" => options with { IdPrefix = Value() },
                "--offline-share" => options with { OfflineShare = Number() },
                "--duplicate-share" => options with { DuplicateShare = Number() },
                "--fault-share" => options with { FaultShare = Number() },
                "--seed" => options with { Seed = (int)Number() },
                "--truth-file" => options with { TruthFile = Value() },
                "--call-timeout" => options with { CallTimeout = TimeSpan.FromSeconds(Number()) },
                "--retry-for" => options with { RetryFor = TimeSpan.FromSeconds(Number()) },
                "--price-per-kwh" => options with { PricePerKwh = decimal.Parse(Value(), CultureInfo.InvariantCulture) },
                "--vat-percent" => options with { VatPercent = decimal.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"unknown option {name}"),
            };
            sessionsGiven |= name == "--sessions";
        }
        // --duration alone means "sessions until the time is up".
        return options.Duration is not null && !sessionsGiven ? options with { Sessions = null } : options;
    }

    public const string Usage =
        "usage: ChargeLedger.Simulator run [--charge-points N] [--sessions N | --duration SECONDS] [--rate FRAMES_PER_S] " +
        "[--transport ws|mqtt] [--gateway-url ws://127.0.0.1:33033/ocpp] [--password P] [--offline-share 0.1] [--duplicate-share 0.1] " +
        "[--fault-share 0.05] [--seed N] [--truth-file truth.json] [--id-prefix SIM-] [--call-timeout SECONDS] [--retry-for SECONDS]\n" +
        "       ChargeLedger.Simulator check --truth-file truth.json [--price-per-kwh 0.40 --vat-percent 19]   (CHARGELEDGER_API_URL, CHARGELEDGER_API_KEY)";
}
