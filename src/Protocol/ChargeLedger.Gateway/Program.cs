using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Gateway.Security;

var settings = GatewaySettings.FromEnvironment();
if (args is ["passwords", .. var rest])
{
    return PasswordsCommand.Run(rest, settings, Console.Out, Console.In);
}
if (args.Length > 0)
{
    Console.Error.WriteLine("usage: ChargeLedger.Gateway [passwords set|remove|list ...]  (settings: CHARGELEDGER_GATEWAY_* environment variables)");
    return 2;
}
var app = GatewayApp.Build(settings);
await app.StartAsync().ConfigureAwait(false);
foreach (var address in app.Urls)
{
    Console.WriteLine($"OCPP gateway listening on {address.Replace("http", "ws", StringComparison.Ordinal)}/ocpp/{{chargePointId}} (auth {settings.AuthMode.ToString().ToLowerInvariant()})");
}
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
