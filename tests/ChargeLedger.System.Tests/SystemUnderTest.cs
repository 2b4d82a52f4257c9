using System.Net;
using System.Net.Sockets;
using ChargeLedger.TestSupport;
using Xunit.Abstractions;

namespace ChargeLedger.System.Tests;

/// <summary>
/// The whole system as real processes (ingest, projector, API, gateway) on a fresh database, with its own MQTT mount point,
/// notice prefix, client ids and shared group so it cannot collide with other tests on the shared broker, and free ports.
/// An admin API key is created with the API's own CLI. Everything is killed on dispose.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<ChildProcess> _processes = [];
    private readonly TestDatabase _database;
    private readonly string _scratch;
    private string _gatewayAuth = "optional";

    private SystemUnderTest(TestDatabase database, string name)
    {
        _database = database;
        var tag = $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 40)];
        Tag = tag;
        _scratch = Directory.CreateTempSubdirectory("chargeledger-system-").FullName;
        ApiUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        GatewayHttp = new Uri($"http://127.0.0.1:{FreePort()}/");
        // The broker's host, port and operator account (when the broker has accounts) for every host and tool.
        Environment = new Dictionary<string, string>(TestServices.MqttEnvironment)
        {
            ["CHARGELEDGER_PG"] = database.ConnectionString,
            ["CHARGELEDGER_MQTT_USERNAME"] = TestServices.MqttUsername ?? string.Empty,
            ["CHARGELEDGER_MQTT_PASSWORD"] = TestServices.MqttPassword ?? string.Empty,
            ["CHARGELEDGER_MOUNT_POINT"] = $"{tag}/ocpp/",
            ["CHARGELEDGER_NOTICE_PREFIX"] = $"{tag}/sys/",
            ["CHARGELEDGER_INGEST_CLIENT_ID"] = $"{tag}-ingest",
            ["CHARGELEDGER_INGEST_SHARED_GROUP"] = tag,
            ["CHARGELEDGER_INGEST_SESSION_EXPIRY_SECONDS"] = "120",
            ["CHARGELEDGER_GATEWAY_CLIENT_ID"] = $"{tag}-gateway",
            ["CHARGELEDGER_GATEWAY_URLS"] = GatewayHttp.ToString().TrimEnd('/'),
            ["CHARGELEDGER_GATEWAY_CREDENTIALS"] = Path.Combine(_scratch, "credentials.json"),
            ["CHARGELEDGER_GATEWAY_DEV_CERT"] = Path.Combine(_scratch, "dev-cert.pfx"),
            ["CHARGELEDGER_API_URL"] = ApiUrl.ToString().TrimEnd('/'),
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
    }

    /// <summary>Unique per instance: prefixes topics, client ids and charge point ids.</summary>
    public string Tag { get; }

    public Uri ApiUrl { get; }

    public Uri GatewayHttp { get; }

    /// <summary>Where charge points connect: <c>ws://127.0.0.1:{port}/ocpp</c> (append <c>/{chargePointId}</c>).</summary>
    public Uri GatewayOcppUrl => new($"ws://{GatewayHttp.Authority}/ocpp");

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>The running gateway process (replaced by <see cref="RestartGatewayAsync"/>).</summary>
    public ChildProcess? Gateway { get; private set; }

    /// <summary>How long start-up steps took, for the test log.</summary>
    public List<string> Timings { get; } = [];

    /// <summary>An HTTP client for the API, authenticated with the admin key.</summary>
    public HttpClient Api { get; } = new();

    /// <summary>
    /// Starts the system. <paramref name="gatewayAuth"/> is the gateway's <c>CHARGELEDGER_GATEWAY_AUTH</c>;
    /// <paramref name="passwords"/> are stored with the gateway's password CLI before it starts.
    /// </summary>
    public static async Task<SystemUnderTest> StartAsync(
        string name, string gatewayAuth = "optional", IReadOnlyDictionary<string, string>? passwords = null, CancellationToken cancellationToken = default)
    {
        var database = await TestDatabase.CreateAsync("sys_" + name, cancellationToken).ConfigureAwait(false);
        var system = new SystemUnderTest(database, name.ToLowerInvariant());
        try
        {
            await system.StartProcessesAsync(gatewayAuth, passwords ?? new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            return system;
        }
        catch
        {
            await system.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a host dll's command to its end (migrations, key and password CLIs, the simulator) and returns it.</summary>
    public async Task<ChildProcess> RunToEndAsync(string host, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var process = StartHost(host, arguments, extraEnvironment);
        await process.WaitForExitAsync(timeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>Starts a host dll (by project name, e.g. <c>ChargeLedger.Ingest</c>) with this system's environment.</summary>
    public ChildProcess StartHost(string host, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var process = ChildProcess.Start(host, "dotnet", [HostDll(host), .. arguments], environment, _scratch);
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>Starts a node script of tests/peers (the independent third-party clients).</summary>
    public ChildProcess StartPeer(string script, IEnumerable<string> arguments)
    {
        var peers = Path.Combine(TestServices.RepoRoot, "tests", "peers");
        var process = ChildProcess.Start(script, "node", [Path.Combine(peers, script), .. arguments], Environment, peers);
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>Every process's output, for the test log when something failed.</summary>
    public void WriteLogs(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                output.WriteLine(process.ToString());
            }
        }
    }

    /// <summary>Runs the test body; on failure the processes' output goes to the test log before the failure is rethrown.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body().ConfigureAwait(false);
            foreach (var timing in Timings)
            {
                output.WriteLine(timing);
            }
        }
        catch
        {
            WriteLogs(output);
            throw;
        }
    }

    public static string HostDll(string host)
    {
        var folder = host switch
        {
            "ChargeLedger.Admin" or "ChargeLedger.Ingest" => "Write",
            "ChargeLedger.Projector" => "Projections",
            "ChargeLedger.Api" => "Api",
            _ => "Protocol",
        };
        return Path.Combine(TestServices.RepoRoot, "src", folder, host, "bin", "Release", "net10.0", host + ".dll");
    }

    public async ValueTask DisposeAsync()
    {
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                process.Dispose();
            }
        }
        Api.Dispose();
        await _database.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task StartProcessesAsync(string gatewayAuth, IReadOnlyDictionary<string, string> passwords, CancellationToken cancellationToken)
    {
        var clock = global::System.Diagnostics.Stopwatch.StartNew();
        var migrate = await RunToEndAsync("ChargeLedger.Admin", ["migrate"], StartTimeout).ConfigureAwait(false);
        Require(migrate, "migrate");
        Timings.Add($"migrated in {clock.Elapsed.TotalSeconds:F1} s");
        var key = await RunToEndAsync("ChargeLedger.Api", ["keys", "create", "--role", "admin", "--name", "system-tests"], StartTimeout).ConfigureAwait(false);
        Require(key, "keys create");
        Timings.Add($"key created at {clock.Elapsed.TotalSeconds:F1} s");
        AdminKey = key.Lines.Single(l => l.StartsWith("key:", StringComparison.Ordinal))["key:".Length..].Trim();
        foreach (var (chargePointId, password) in passwords)
        {
            Require(await RunToEndAsync("ChargeLedger.Gateway", ["passwords", "set", chargePointId, password], StartTimeout).ConfigureAwait(false), "passwords set");
        }
        Api.BaseAddress = ApiUrl;
        Api.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);

        var ingest = StartHost("ChargeLedger.Ingest", []);
        var projector = StartHost("ChargeLedger.Projector", ["run"]);
        var api = StartHost("ChargeLedger.Api", []);
        _gatewayAuth = gatewayAuth;
        var gateway = Gateway = StartGateway();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            foreach (var process in new[] { ingest, projector, api, gateway }.Where(p => p.HasExited))
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up with {process.ExitCode}");
            }
            return ingest.HasLine("ingest started")
                && projector.HasLine("running ")
                && await IsOkAsync(probe, new Uri(ApiUrl, "health/live")).ConfigureAwait(false)
                && await IsOkAsync(probe, new Uri(GatewayHttp, "health/ready")).ConfigureAwait(false);
        }, StartTimeout, "ingest, projector, API and gateway to be ready").ConfigureAwait(false);
        Timings.Add($"all hosts ready at {clock.Elapsed.TotalSeconds:F1} s");
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Kills the gateway (SIGKILL, charge points still connected), starts a new one and waits until it is ready.</summary>
    public async Task RestartGatewayAsync()
    {
        Gateway?.Kill();
        var gateway = Gateway = StartGateway();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(
            async () => !gateway.HasExited && await IsOkAsync(probe, new Uri(GatewayHttp, "health/ready")).ConfigureAwait(false),
            StartTimeout, "the restarted gateway to be ready").ConfigureAwait(false);
    }

    private ChildProcess StartGateway() =>
        StartHost("ChargeLedger.Gateway", [], new Dictionary<string, string> { ["CHARGELEDGER_GATEWAY_AUTH"] = _gatewayAuth });

    private static void Require(ChildProcess process, string what)
    {
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {process.ExitCode}:\n{process.Output}");
        }
    }

    private static async Task<bool> IsOkAsync(HttpClient client, Uri uri)
    {
        try
        {
            using var response = await client.GetAsync(uri).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
