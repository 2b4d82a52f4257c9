using ChargeLedger.Api.Hosting;
using ChargeLedger.Api.Security;

// The Query API host; `ChargeLedger.Api keys ...` manages API keys instead of serving.
if (args is ["keys", .. var keyArgs])
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await ApiKeyCommands.RunAsync(keyArgs, cancel.Token);
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["CHARGELEDGER_API_URL"] ?? ApiSettings.DefaultUrl);
builder.Services.AddChargeLedgerApi();
var app = builder.Build();
app.UseChargeLedgerApi();
await app.RunAsync();
return 0;

public partial class Program;
