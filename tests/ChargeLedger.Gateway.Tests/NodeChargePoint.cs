using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Gateway.Tests;

/// <summary>tests/peers/ocpp-rpc-session.js: the ocpp-rpc npm package acting as a charge point; one JSON line per step.</summary>
public sealed class NodeChargePoint : IAsyncDisposable
{
    private readonly Process _process;

    private NodeChargePoint(Process process)
    {
        _process = process;
    }

    public ConcurrentQueue<JsonObject> Lines { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public static NodeChargePoint Start(string endpoint, string identity, string? password)
    {
        var peers = Path.Combine(TestServices.RepoRoot, "tests", "peers");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = peers,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ocpp-rpc-session.js", endpoint, identity, password ?? "-" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var peer = new NodeChargePoint(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                peer.Lines.Enqueue(JsonNode.Parse(line)!.AsObject());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                peer.Errors.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public Task<JsonObject> WaitForStepAsync(string step) =>
        Eventually.ReturnsAsync(
            () => Task.FromResult(Lines.FirstOrDefault(line => (string?)line["step"] == step || (string?)line["call"] == step)),
            line => line is not null,
            TimeSpan.FromSeconds(60),
            $"ocpp-rpc step {step} (lines: {string.Join(" | ", Lines.Select(l => l.ToJsonString()))}; stderr: {string.Join(" | ", Errors)})")!;

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
