using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.TestSupport;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

/// <summary>The real ingest executable as a child process, configured through the environment like in production.</summary>
public sealed class IngestProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private IngestProcess(IngestSettings settings, int? crashAfterMessage, ITestOutputHelper output)
    {
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "ChargeLedger.Ingest.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CHARGELEDGER_PG"] = settings.PostgresConnectionString;
        start.Environment["CHARGELEDGER_MQTT_HOST"] = settings.MqttHost;
        start.Environment["CHARGELEDGER_MQTT_PORT"] = settings.MqttPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["CHARGELEDGER_MQTT_USERNAME"] = settings.MqttUsername;
        start.Environment["CHARGELEDGER_MQTT_PASSWORD"] = settings.MqttPassword;
        start.Environment["CHARGELEDGER_INGEST_CLIENT_ID"] = settings.ClientId;
        start.Environment["CHARGELEDGER_INGEST_SHARED_GROUP"] = settings.SharedGroup;
        start.Environment["CHARGELEDGER_INGEST_SESSION_EXPIRY_SECONDS"] = settings.SessionExpirySeconds.ToString(CultureInfo.InvariantCulture);
        start.Environment["CHARGELEDGER_MOUNT_POINT"] = settings.MountPoint;
        start.Environment["CHARGELEDGER_NOTICE_PREFIX"] = settings.NoticePrefix;
        if (crashAfterMessage is { } n)
        {
            start.Environment["CHARGELEDGER_TEST_CRASH_AFTER_COMMIT_OF_MESSAGE"] = n.ToString(CultureInfo.InvariantCulture);
        }

        process = new Process { StartInfo = start };
        void Capture(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                try
                {
                    output.WriteLine("[ingest] " + line);
                }
                catch (InvalidOperationException)
                {
                    // the test has finished
                }
            }
        }

        process.OutputDataReceived += Capture;
        process.ErrorDataReceived += Capture;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public IReadOnlyList<string> Lines => lines.ToList();

    /// <summary>Starts the process and waits until it has subscribed.</summary>
    public static async Task<IngestProcess> StartAsync(IngestSettings settings, int? crashAfterMessage, ITestOutputHelper output)
    {
        var started = new IngestProcess(settings, crashAfterMessage, output);
        await Eventually.TrueAsync(
            () => Task.FromResult(started.lines.Any(l => l.EndsWith("ingest started", StringComparison.Ordinal)) || started.HasExited),
            TimeSpan.FromSeconds(60),
            "the ingest process to start");
        Assert.False(started.HasExited, "the ingest process exited during start: " + string.Join('\n', started.Lines));
        return started;
    }

    public Task WaitForExitAsync() => process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
