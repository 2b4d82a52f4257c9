namespace ChargeLedger.TestSupport;

/// <summary>Where the project's own services listen (eng/services), overridable by environment.</summary>
public static class TestServices
{
    public const string OperatorAccount = "chargeledger-operator";

    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("CHARGELEDGER_PG")
        ?? "Host=127.0.0.1;Port=54329;Username=chargeledger;Password=chargeledger;Database=chargeledger";

    public static string MqttHost => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_HOST") ?? "127.0.0.1";

    public static int MqttPort => Port("CHARGELEDGER_MQTT_PORT", 18839);

    /// <summary>The broker's TLS listener (server certificate from <see cref="MqttCaFile"/>'s CA).</summary>
    public static int MqttTlsPort => Port("CHARGELEDGER_MQTT_TLS_PORT", MqttPort + 1);

    /// <summary>The broker's TLS listener that requires a client certificate and takes its CN as the username.</summary>
    public static int MqttClientCertificatePort => Port("CHARGELEDGER_MQTT_MTLS_PORT", MqttPort + 2);

    /// <summary>The operator account (full access) tests connect with; null while the broker has no accounts.</summary>
    public static string? MqttUsername => Account("CHARGELEDGER_MQTT_USERNAME", "CHARGELEDGER_MQTT_PASSWORD", OperatorAccount).Username;

    public static string? MqttPassword => Account("CHARGELEDGER_MQTT_USERNAME", "CHARGELEDGER_MQTT_PASSWORD", OperatorAccount).Password;

    /// <summary>The CA of the broker's certificate (eng/services generates one in its state dir).</summary>
    public static string MqttCaFile =>
        Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_TLS_CA_FILE") is { Length: > 0 } file
            ? file
            : Path.Combine(MqttStateDirectory, "tls", "ca.crt");

    /// <summary>eng/services's broker folder: accounts, password file, ACL, certificates, log.</summary>
    public static string MqttStateDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("CHARGELEDGER_STATE_DIR") is { Length: > 0 } state ? state : Path.Combine(RepoRoot, ".local"), "mosquitto");

    /// <summary>A service account (<c>ingest</c>, <c>gateway</c>): from <c>CHARGELEDGER_MQTT_{SERVICE}_USERNAME/PASSWORD</c> or the state dir.</summary>
    public static (string? Username, string? Password) MqttServiceAccount(string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        var upper = service.ToUpperInvariant();
        return Account($"CHARGELEDGER_MQTT_{upper}_USERNAME", $"CHARGELEDGER_MQTT_{upper}_PASSWORD", "chargeledger-" + service.ToLowerInvariant());
    }

    /// <summary>Host, port and the operator's credentials as environment variables for a child process.</summary>
    public static IReadOnlyDictionary<string, string> MqttEnvironment
    {
        get
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["CHARGELEDGER_MQTT_HOST"] = MqttHost,
                ["CHARGELEDGER_MQTT_PORT"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (MqttUsername is { } username && MqttPassword is { } password)
            {
                environment["CHARGELEDGER_MQTT_USERNAME"] = username;
                environment["CHARGELEDGER_MQTT_PASSWORD"] = password;
            }
            return environment;
        }
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    /// <summary>The environment's pair when set, else the password eng/services generated for the account.</summary>
    private static (string? Username, string? Password) Account(string usernameVariable, string passwordVariable, string account)
    {
        if (Environment.GetEnvironmentVariable(usernameVariable) is { Length: > 0 } username)
        {
            return (username, Environment.GetEnvironmentVariable(passwordVariable));
        }
        var file = Path.Combine(MqttStateDirectory, "accounts", account);
        return File.Exists(file) ? (account, File.ReadAllText(file).Trim()) : (null, null);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cqrs.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cqrs.sln not found above " + AppContext.BaseDirectory);
    }
}
