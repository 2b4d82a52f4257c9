using System.Runtime.InteropServices;
using ChargeLedger.Ingest.Hosting;

// The ingest host process: configuration from CHARGELEDGER_* environment variables (see IngestSettings).
var settings = IngestSettings.FromEnvironment();
using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

static void Log(string line) => Console.Out.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

await using var host = await IngestHost.StartAsync(settings, Log, stop.Token).ConfigureAwait(false);
Log("ingest started");
try
{
    await host.Completion.WaitAsync(stop.Token).ConfigureAwait(false);
    Log("ingest loop ended");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Log("ingest stopping");
    return 0;
}
