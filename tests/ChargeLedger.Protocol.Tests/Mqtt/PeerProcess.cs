using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChargeLedger.Protocol.Tests.Mqtt;

/// <summary>A child process (mosquitto_sub, node, mosquitto) whose output lines are collected as they arrive.</summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static PeerProcess Start(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PeersDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // MQTT.js peers read the broker account from the environment, as every client here does.
        foreach (var (name, value) in TestSupport.TestServices.MqttEnvironment)
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                peer.Lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                peer.Errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public static string PeersDirectory => Path.Combine(TestSupport.TestServices.RepoRoot, "tests", "peers");

    /// <summary>Runs to completion and fails the test on a non-zero exit code.</summary>
    public static async Task RunAsync(TimeSpan timeout, string fileName, params string[] arguments)
    {
        await using var peer = Start(fileName, arguments);
        using var cancel = new CancellationTokenSource(timeout);
        await peer._process.WaitForExitAsync(cancel.Token);
        Assert.True(peer._process.ExitCode == 0, $"{fileName} exited with {peer._process.ExitCode}: {string.Join('\n', peer.Errors)}");
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
