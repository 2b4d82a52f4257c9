using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// Memory per idle charge point connection: starts the gateway as its own process, warms it up, then opens N
/// WebSocket charge points (ocpp1.6, each announced to the broker with its connected notice) and reports the
/// gateway's resident set growth divided by N, against the idle gateway's resident set as the baseline.
/// Usage: eng/bench gateway-memory [connections=10000]
/// </summary>
public static class GatewayMemoryBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var run = Guid.NewGuid().ToString("N")[..8];
        var port = FreePort();
        var dll = Path.Combine(TestServices.RepoRoot, "src", "Protocol", "ChargeLedger.Gateway", "bin", "Release", "net10.0", "ChargeLedger.Gateway.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["CHARGELEDGER_GATEWAY_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["CHARGELEDGER_GATEWAY_AUTH"] = "optional";
        start.Environment["CHARGELEDGER_GATEWAY_HEARTBEAT_SECONDS"] = "3600";
        start.Environment["CHARGELEDGER_GATEWAY_PING_SECONDS"] = "600";
        start.Environment["CHARGELEDGER_GATEWAY_CLIENT_ID"] = $"bench-gateway-{run}";
        start.Environment["CHARGELEDGER_MOUNT_POINT"] = $"bench-{run}/";
        start.Environment["CHARGELEDGER_NOTICE_PREFIX"] = $"bench-{run}/sys/";
        foreach (var (name, value) in TestServices.MqttEnvironment)
        {
            start.Environment[name] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var gateway = Process.Start(start)!;
        gateway.OutputDataReceived += (_, _) => { };
        gateway.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("gateway: " + e.Data); } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        var sockets = new List<ClientWebSocket>(count);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the gateway to be ready").ConfigureAwait(false);
            Console.WriteLine($"gateway-memory: {count:N0} idle WebSocket charge points against a gateway process (pid {gateway.Id})");

            // Warm-up: JIT, pools and the broker path, so the baseline is a gateway that has served connections.
            var warm = await OpenAsync(port, $"WARM-{run}-", 200, cancellationToken).ConfigureAwait(false);
            foreach (var socket in warm)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                socket.Dispose();
            }
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var baseline = ResidentBytes(gateway.Id);
            Console.WriteLine($"  idle gateway (baseline): {baseline / 1048576.0,8:F1} MiB resident");

            var watch = Stopwatch.StartNew();
            sockets.AddRange(await OpenAsync(port, $"CP-{run}-", count, cancellationToken).ConfigureAwait(false));
            var opened = watch.Elapsed;
            await Eventually.TrueAsync(async () => (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false))
                .Contains($"chargeledger_gateway_connections {count}\n", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "all connections registered").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var loaded = ResidentBytes(gateway.Id);
            var perConnection = (loaded - baseline) / (double)count;
            Console.WriteLine($"  with {count:N0} connections:  {loaded / 1048576.0,8:F1} MiB resident (opened in {opened.TotalSeconds:F1} s)");
            Console.WriteLine($"  per connection: {perConnection / 1024.0:F1} KiB; total/baseline ratio {loaded / (double)baseline:F2}");
            return 0;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
            gateway.Kill();
            await gateway.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<List<ClientWebSocket>> OpenAsync(int port, string prefix, int count, CancellationToken cancellationToken)
    {
        var sockets = new ClientWebSocket[count];
        var next = -1;
        var workers = Enumerable.Range(0, 64).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var socket = new ClientWebSocket();
                socket.Options.AddSubProtocol("ocpp1.6");
                socket.Options.KeepAliveInterval = Timeout.InfiniteTimeSpan;
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ocpp/{prefix}{i:D5}"), cancellationToken).ConfigureAwait(false);
                sockets[i] = socket;
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return [.. sockets];
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
