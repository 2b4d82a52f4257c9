using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Gateway.Tests;

/// <summary>A mosquitto of this test's own on a free port, so a test can kill its broker without touching the shared one.</summary>
public sealed class PrivateMosquitto : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-mosquitto-").FullName;
    private readonly Process _process;

    private PrivateMosquitto(int port)
    {
        Port = port;
        var config = Path.Combine(_directory, "mosquitto.conf");
        File.WriteAllText(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n");
        var binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var start = new ProcessStartInfo(binary) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        _process = Process.Start(start)!;
    }

    public int Port { get; }

    public static async Task<PrivateMosquitto> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var broker = new PrivateMosquitto(port);
        await Eventually.TrueAsync(async () =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"mosquitto on port {port.ToString(CultureInfo.InvariantCulture)}");
        return broker;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
