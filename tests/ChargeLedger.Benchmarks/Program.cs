// Each benchmark is a command: `eng/bench NAME [args]`. Each prints its rates and the ratio against a
// baseline measured in the same run, since the machine is shared and noisy.
var benchmarks = new Dictionary<string, Func<string[], CancellationToken, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["eventstore"] = ChargeLedger.Benchmarks.EventStoreBenchmark.RunAsync,
    ["gateway-memory"] = ChargeLedger.Benchmarks.GatewayMemoryBenchmark.RunAsync,
    ["mqtt"] = ChargeLedger.Benchmarks.MqttBenchmark.RunAsync,
    ["rebuild"] = ChargeLedger.Benchmarks.RebuildBenchmark.RunAsync,
    ["ingest"] = ChargeLedger.Benchmarks.IngestBenchmark.RunAsync,
    ["ingest-cpu"] = ChargeLedger.Benchmarks.IngestCpuProfile.RunAsync,
    ["lag"] = ChargeLedger.Benchmarks.LagBenchmark.RunAsync,
    ["logscan"] = ChargeLedger.Benchmarks.LogScanBenchmark.RunAsync,
    ["readmodels"] = ChargeLedger.Benchmarks.ReadModelsBenchmark.RunAsync,
    ["api"] = ChargeLedger.Benchmarks.ApiBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine("usage: eng/bench <" + string.Join("|", benchmarks.Keys.Order()) + "> [args]");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await run(args[1..], cancel.Token).ConfigureAwait(false);
