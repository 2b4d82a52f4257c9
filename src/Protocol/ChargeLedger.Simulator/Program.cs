using ChargeLedger.Simulator;
using ChargeLedger.Simulator.Truth;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    switch (args)
    {
        case ["run", .. var rest]:
        {
            var options = SimulatorOptions.Parse(rest);
            Console.WriteLine($"simulating {options.ChargePoints} charge points over {options.Transport.ToString().ToLowerInvariant()} (seed {options.Seed})");
            var started = DateTime.UtcNow;
            var truth = await Fleet.RunAsync(options, cancel.Token);
            Console.WriteLine($"{truth.Sessions.Count} sessions, {truth.Sessions.Count(s => s.Completed)} completed, {truth.MessagesSent} messages, " +
                $"{truth.Sessions.Count(s => s.ReplayedAfterOffline)} replayed after offline, {truth.Sessions.Sum(s => s.Duplicates)} duplicates, " +
                $"{truth.Faults} faults, {truth.Resends} resends, {truth.Unconfirmed.Count} unconfirmed, {truth.Errors.Count} errors in {(DateTime.UtcNow - started).TotalSeconds:F1} s" +
                (options.TruthFile is { } file ? $"; truth in {file}" : ""));
            foreach (var error in truth.Errors.Take(20))
            {
                Console.WriteLine("  " + error);
            }
            return 0;
        }
        case ["check", .. var rest]:
        {
            var options = SimulatorOptions.Parse(rest);
            var path = options.TruthFile ?? throw new FormatException("check needs --truth-file");
            var tariff = (options.PricePerKwh, options.VatPercent) switch
            {
                ({ } price, { } vat) => new FlatTariff(price, vat),
                (null, null) => null,
                _ => throw new FormatException("--price-per-kwh and --vat-percent go together"),
            };
            var truth = await GroundTruth.ReadAsync(path, cancel.Token);
            using var api = new HttpClient { BaseAddress = new Uri((Environment.GetEnvironmentVariable("CHARGELEDGER_API_URL") ?? "http://127.0.0.1:5080").TrimEnd('/') + "/") };
            api.DefaultRequestHeaders.Add("X-Api-Key", Environment.GetEnvironmentVariable("CHARGELEDGER_API_KEY") ?? string.Empty);
            var mismatches = await TruthCheck.CompareAsync(truth, api, tariff, cancel.Token);
            foreach (var mismatch in mismatches)
            {
                Console.WriteLine(mismatch);
            }
            Console.WriteLine($"{truth.Sessions.Count} sessions checked, {mismatches.Count} mismatches");
            return mismatches.Count == 0 ? 0 : 1;
        }
        default:
            Console.Error.WriteLine(SimulatorOptions.Usage);
            return 2;
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(SimulatorOptions.Usage);
    return 2;
}
