using Microsoft.Extensions.Logging;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Gateway.Tests;

/// <summary>An in-process gateway on free ports with a private mount point and notice prefix, plus the test Central System.</summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    public const string Node = "gw-test@localhost";

    private readonly string _directory;

    private GatewayHarness(GatewayServer server, TestCentralSystem centralSystem, GatewaySettings settings, string directory, CollectingLoggerProvider logs)
    {
        Logs = logs;
        Server = server;
        CentralSystem = centralSystem;
        Settings = settings;
        _directory = directory;
    }

    public GatewayServer Server { get; }

    public TestCentralSystem CentralSystem { get; }

    public GatewaySettings Settings { get; }

    /// <summary>The gateway's warnings and errors.</summary>
    public CollectingLoggerProvider Logs { get; }

    public string Mount => Settings.Topics.MountPoint;

    public string Notice(string chargePointId, string kind) => $"{Settings.NoticePrefix}brokers/{Node}/gateway/ocpp/clients/{chargePointId}/{kind}";

    public static async Task<GatewayHarness> StartAsync(Func<GatewaySettings, GatewaySettings>? configure = null)
    {
        var tag = "gwt" + Guid.NewGuid().ToString("N")[..10];
        var directory = Path.Combine(Path.GetTempPath(), tag);
        Directory.CreateDirectory(directory);
        var settings = new GatewaySettings
        {
            Urls = ["http://127.0.0.1:0", "https://127.0.0.1:0"],
            DevCertificatePath = Path.Combine(directory, "dev-cert.pfx"),
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = TestServices.MqttUsername,
            MqttPassword = TestServices.MqttPassword,
            MqttClientId = tag,
            Node = Node,
            NoticePrefix = tag + "/sys/",
            Topics = OcppTopics.Default with { MountPoint = tag + "/" },
            CredentialsPath = Path.Combine(directory, "credentials.json"),
            AuthMode = GatewayAuthMode.Optional,
        };
        settings = configure?.Invoke(settings) ?? settings;
        var centralSystem = await TestCentralSystem.StartAsync(settings.MqttHost, settings.MqttPort, settings.Topics.MountPoint, settings.NoticePrefix);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var logs = new CollectingLoggerProvider();
        var server = await GatewayServer.StartAsync(settings, timeout.Token, logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logs));
        return new GatewayHarness(server, centralSystem, settings, directory, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await CentralSystem.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
