using ChargeLedger.Admin;

// Operations CLI: `dotnet ChargeLedger.Admin.dll <command> [args]`, connection from CHARGELEDGER_PG.
var commands = new Dictionary<string, Func<string[], CancellationToken, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["migrate"] = AdminCommands.MigrateAsync,
    ["verify"] = AdminCommands.VerifyAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: ChargeLedger.Admin <" + string.Join("|", commands.Keys.Order()) + "> [args]");
    Console.Error.WriteLine("  migrate              apply schema/*.sql migrations that have not run yet");
    Console.Error.WriteLine("  verify <streamId>    re-walk a stream's hash chain; exit code 1 if broken");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await command(args[1..], cancel.Token).ConfigureAwait(false);
