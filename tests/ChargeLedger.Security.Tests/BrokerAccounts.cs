using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Security.Tests;

/// <summary>A charge point account on the test broker.</summary>
public sealed record ChargePointAccount(string ChargePointId, string Password, string CertificateFile, string KeyFile)
{
    internal MqttClientOptions Options(string? password = null) => Broker.Options(ChargePointId + "-" + Guid.NewGuid().ToString("N")[..6]) with
    {
        Username = ChargePointId,
        Password = Encoding.UTF8.GetBytes(password ?? Password),
    };
}

/// <summary>
/// The charge point accounts the security tests use, added by one <c>eng/services add-charge-point</c> call (one broker
/// reload) and removed at the end. Each account has a password and a client certificate (CN = id) from the broker's CA.
/// </summary>
public sealed class ChargePointAccounts : IAsyncLifetime
{
    private static readonly string[] Roles = ["wrong-password", "certificate", "certificate-other", "attacker", "victim", "reader", "other-reader"];
    private readonly Dictionary<string, ChargePointAccount> _accounts = new(StringComparer.Ordinal);

    public ChargePointAccount this[string role] => _accounts[role];

    public async Task InitializeAsync()
    {
        Assert.True(
            TestServices.MqttUsername is not null,
            $"The broker has no accounts ({TestServices.MqttStateDirectory}): it was started by an older eng/services; apply them with eng/services restart-broker.");
        var run = Guid.NewGuid().ToString("N")[..10];
        var ids = Roles.Select((_, i) => $"SEC{i}-{run}").ToArray();
        var output = (await ServicesAsync(["add-charge-point", .. ids])).Split('\n');
        string Field(string id, string name) =>
            output.SkipWhile(line => line != "username: " + id).First(line => line.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
        for (var i = 0; i < Roles.Length; i++)
        {
            var certificate = Field(ids[i], "certificate").Split(' ');
            _accounts[Roles[i]] = new ChargePointAccount(ids[i], Field(ids[i], "password"), certificate[0], certificate[1]);
        }
    }

    public async Task DisposeAsync() => await ServicesAsync(["remove-charge-point", .. _accounts.Values.Select(a => a.ChargePointId)]);

    /// <summary>Runs eng/services for the same state dir and broker the tests use.</summary>
    private static async Task<string> ServicesAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(TestServices.RepoRoot, "eng", "services"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["CHARGELEDGER_STATE_DIR"] = Path.GetDirectoryName(TestServices.MqttStateDirectory);
        start.Environment["CHARGELEDGER_MQTT_PORT"] = TestServices.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Broker.Patience);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"eng/services {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }
}

[CollectionDefinition(Name)]
public sealed class BrokerAccountsCollection : ICollectionFixture<ChargePointAccounts>
{
    public const string Name = "broker accounts";
}

/// <summary>Connections to the test broker (eng/services) with chosen accounts.</summary>
internal static class Broker
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static MqttClientOptions Options(string clientId) => new()
    {
        Host = TestServices.MqttHost,
        Port = TestServices.MqttPort,
        ClientId = clientId,
        CleanStart = true,
        SessionExpiryIntervalSeconds = 0,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(200),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    public static MqttClientOptions Operator(string purpose) => Options($"sec-{purpose}-{Guid.NewGuid():N}") with
    {
        Username = TestServices.MqttUsername,
        Password = TestServices.MqttPassword is { } password ? Encoding.UTF8.GetBytes(password) : null,
    };

    public static MqttClientOptions Service(string service) => Options($"sec-{service}-{Guid.NewGuid():N}") with
    {
        Username = TestServices.MqttServiceAccount(service).Username,
        Password = TestServices.MqttServiceAccount(service).Password is { } password ? Encoding.UTF8.GetBytes(password) : null,
    };

    public static async Task<MqttClient> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttClient(options);
        using var timeout = new CancellationTokenSource(Patience);
        await client.StartAsync(timeout.Token);
        return client;
    }

    /// <summary>
    /// The first failed connection attempt (the client keeps retrying, so the attempt is stopped there), or null
    /// when the broker accepted the connection.
    /// </summary>
    public static async Task<MqttStatusChange?> RefusalAsync(MqttClientOptions options)
    {
        await using var client = new MqttClient(options);
        var changes = new ConcurrentQueue<MqttStatusChange>();
        client.StatusChanged += changes.Enqueue;
        using var stop = new CancellationTokenSource(Patience);
        var start = client.StartAsync(stop.Token);
        await Eventually.TrueAsync(
            () => Task.FromResult(start.IsCompleted || changes.Any(c => c.Status == MqttClientStatus.Disconnected)),
            Patience,
            "the broker to answer the connection");
        await stop.CancelAsync();
        return client.Status == MqttClientStatus.Connected ? null : changes.First(c => c.Status == MqttClientStatus.Disconnected);
    }

    /// <summary>Publishes at QoS 1; the broker's refusing PUBACK reason code, or null when it was accepted.</summary>
    public static async Task<MqttReasonCode?> PublishRefusalAsync(MqttClient client, string topic, string payload)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce, cancellationToken: timeout.Token);
            return null;
        }
        catch (MqttProtocolException refused)
        {
            return refused.ReasonCode;
        }
    }

    /// <summary>Messages until one on <paramref name="last"/> arrives; everything that came before it is returned too.</summary>
    public static async Task<List<MqttMessage>> ReceiveUntilAsync(MqttClient client, string last)
    {
        var received = new List<MqttMessage>();
        using var timeout = new CancellationTokenSource(Patience);
        while (received.Count == 0 || received[^1].Topic != last)
        {
            var message = await client.Messages.ReadAsync(timeout.Token);
            await message.AckAsync(timeout.Token);
            received.Add(message);
        }
        return received;
    }
}
