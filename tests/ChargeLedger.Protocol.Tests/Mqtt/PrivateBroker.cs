using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChargeLedger.Protocol.Tests.Mqtt;

/// <summary>
/// A Mosquitto of our own on a free port with persistence in a temp dir, so a test can restart it without
/// disturbing the shared broker other tests use.
/// </summary>
internal sealed class PrivateBroker : IAsyncDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("chargeledger-mosquitto-").FullName;
    private Process? _process;

    /// <param name="listenerOptions">Writes extra files into the broker's directory and returns extra listener lines (TLS).</param>
    public PrivateBroker(Func<string, string>? listenerOptions = null)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        File.WriteAllText(ConfigPath, $"""
            user {Environment.UserName}
            persistence true
            persistence_location {_directory}/
            max_queued_messages 0
            max_inflight_messages 0
            log_dest file {_directory}/mosquitto.log
            listener {Port} 127.0.0.1
            allow_anonymous true
            {listenerOptions?.Invoke(_directory)}
            """);
    }

    public int Port { get; }

    private string ConfigPath => Path.Combine(_directory, "mosquitto.conf");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        _process = Process.Start(new ProcessStartInfo(binary) { ArgumentList = { "-c", ConfigPath }, UseShellExecute = false })!;
        await TestSupport.Eventually.TrueAsync(
            async () =>
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TestClients.Patience,
            "the private mosquitto to listen");
    }

    /// <summary>Stops it the way an orderly broker restart does (SIGTERM: it writes its persistence file).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }
        await _process.WaitForExitAsync(cancellationToken);
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
