using System.Runtime.InteropServices;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projector;

// ChargeLedger.Projector [run [name...]] | rebuild <name|all> [--dry-run] | status
// Connection: CHARGELEDGER_PG. Migrates the schema first, so a fresh database works.
var command = args.Length == 0 ? "run" : args[0];
var registry = ProjectionCatalog.CreateDefault();
using var stop = new CancellationTokenSource();
// SIGINT and SIGTERM stop the runners cleanly: each finishes or rolls back its batch, never half-applies one.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var dataSource = PostgresSettings.FromEnvironment().CreateDataSource();
await using var store = new PostgresEventStore(dataSource);
try
{
    await new SchemaMigrator(dataSource).MigrateAsync(stop.Token);
    return command switch
    {
        "run" => await Commands.RunAsync(store, dataSource, registry.Select(args.Skip(1)), stop.Token),
        "rebuild" when args.Length >= 2 => await Commands.RebuildAsync(store, dataSource, registry.Select([args[1]]), args.Contains("--dry-run"), stop.Token),
        "status" => await Commands.StatusAsync(dataSource, stop.Token),
        _ => Commands.Usage(registry),
    };
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (Exception e) when (e is Npgsql.NpgsqlException or EventStoreException)
{
    // A rebuild keeps what it has filled: calling it again resumes; "run" is restarted by its supervisor.
    Console.Error.WriteLine($"projector: {command} stopped by a database error: {e.Message}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
