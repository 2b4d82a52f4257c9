using System.Diagnostics;
using System.Globalization;
using ChargeLedger.Api.Hosting;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.Projections.LiveStatus;
using ChargeLedger.Projections.Transactions;
using ChargeLedger.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// `eng/bench api [seconds-per-route] [rate]`: the Query API over real HTTP (Kestrel on loopback) against a log of at
/// least 1,000,000 events from 10,000 charge points, kept in a named database between runs (generated and projected
/// once). An open-loop load generator issues requests at a fixed rate (default 500/s) and measures each from its
/// scheduled start, so a slow server cannot hide queueing. Baseline, measured in the same run and rate:
/// <c>GET /health/live</c> (same pipeline: key check, rate limiter, metrics; no database).
/// </summary>
internal static class ApiBenchmark
{
    private const string DatabaseName = "chargeledger_bench_api";
    private const int ChargePoints = 10_000;
    private const long TargetEvents = 1_000_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var connectionString = await BenchmarkDatabase.EnsureAsync(DatabaseName, recreate: false, cancellationToken).ConfigureAwait(false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(dataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var store = new PostgresEventStore(dataSource);
        var transactions = await GenerateAsync(store, dataSource, cancellationToken).ConfigureAwait(false);
        transactions = await AddBillingAsync(store, dataSource, transactions, cancellationToken).ConfigureAwait(false);
        await ProjectAsync(store, dataSource, cancellationToken).ConfigureAwait(false);
        var key = (await new ApiKeyStore(dataSource).CreateAsync("bench", [ApiRoles.Admin], cancellationToken).ConfigureAwait(false)).Secret;

        await using var app = StartApi(connectionString);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(address),
        };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);

        (string Name, Func<Random, string> Path)[] routes =
        [
            ("baseline GET /health/live", _ => "/health/live"),
            ("status GET /charge-points/{id}", r => $"/charge-points/{ChargePointId(r.Next(ChargePoints))}"),
            ("transaction GET /transactions/{id}", r => $"/transactions/{r.Next(1, transactions + 1)}"),
            ("ledger GET /ledger/accounts/{a}/balance", r => $"/ledger/accounts/customer:{Account(r.Next(Accounts))}/balance"),
            ("ledger GET /ledger/accounts/{a}/entries", r => $"/ledger/accounts/customer:{Account(r.Next(Accounts))}/entries?limit=20"),
        ];
        Print($"load: {rate} req/s for {seconds} s per route over {address} (warm-up 3 s each)");
        Result? baseline = null;
        foreach (var (name, path) in routes)
        {
            await LoadAsync(client, path, rate, 3, cancellationToken).ConfigureAwait(false);
            var result = await LoadAsync(client, path, rate, seconds, cancellationToken).ConfigureAwait(false);
            baseline ??= result;
            Print(string.Create(CultureInfo.InvariantCulture,
                $"{name,-38} {result.Throughput,6:0} req/s  p50 {result.P50,6:0.00} ms  p99 {result.P99,6:0.00} ms  max {result.Max,7:0.0} ms  errors {result.Errors}" +
                $"  p99/baseline {result.P99 / baseline.P99:0.0}  target p99 < 20 ms: {(result.P99 < 20 && result.Errors == 0 ? "met" : "NOT met")}"));
        }
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private sealed record Result(double Throughput, double P50, double P99, double Max, int Errors);

    /// <summary>Open loop: request i starts at t0 + i/rate whatever the earlier ones are doing; latency counts from that moment.</summary>
    private static async Task<Result> LoadAsync(HttpClient client, Func<Random, string> path, int rate, int seconds, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        var total = rate * seconds;
        var latencies = new double[total];
        var errors = 0;
        var inFlight = new List<Task>(total);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            var index = i;
            var target = path(random);
            inFlight.Add(Task.Run(async () =>
            {
                using var response = await client.GetAsync(target, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[index] = (Stopwatch.GetElapsedTime(started) - due).TotalMilliseconds;
            }, cancellationToken));
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(latencies);
        return new Result(total / elapsed, latencies[total / 2], latencies[(int)(total * 0.99)], latencies[^1], errors);
    }

    private static WebApplication StartApi(string connectionString)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration[PostgresSettings.EnvironmentVariable] = connectionString;
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddChargeLedgerApi();
        var app = builder.Build();
        app.UseChargeLedgerApi();
        return app;
    }

    private const int Accounts = 100;
    private const int BilledSessions = 3_000;

    private static string Account(int n) => "acct-" + n.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>
    /// Once per dataset: the default tariff, 2,000 idTags with billing accounts, then <see cref="BilledSessions"/> more
    /// sessions the ledger prices, so the ledger routes read real postings. Returns the new transaction count.
    /// </summary>
    private static async Task<int> AddBillingAsync(IEventStore store, NpgsqlDataSource dataSource, int transactions, CancellationToken cancellationToken)
    {
        await using (var published = dataSource.CreateCommand("SELECT count(*) FROM events WHERE type = 'TariffPublished'"))
        {
            if ((long)(await published.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                return transactions;
            }
        }
        var now = SystemClock.Instance.GetCurrentInstant();
        var tariff = new TariffDefinition("default", now - Duration.FromDays(30), "EUR", 0.39m, 0m, 0m, 0, 0.5m, null, null, 19m, "Europe/Berlin", []);
        var units = new List<AppendUnit> { Stream(StreamIds.Tariff("default"), new TariffPublished(tariff, now)) };
        units.AddRange(Enumerable.Range(0, 2_000).Select(n =>
        {
            var tag = "TAG" + n.ToString("D4", CultureInfo.InvariantCulture);
            return Stream(StreamIds.IdTag(tag), new IdTagRegistered(tag, Account(n % Accounts), null, null, now));
        }));
        await AppendAsync(store, units, cancellationToken).ConfigureAwait(false);
        var start = now - Duration.FromDays(1);
        for (var first = 0; first < BilledSessions; first += 250)
        {
            var sessions = new List<AppendUnit>();
            for (var i = first; i < first + 250; i++)
            {
                var id = transactions + i + 1;
                sessions.AddRange(Session(id, ChargePointId(id % ChargePoints), start + Duration.FromSeconds(i * 10L)));
            }
            await AppendAsync(store, sessions, cancellationToken).ConfigureAwait(false);
        }
        Print($"dataset: added the default tariff, 2,000 idTags in {Accounts} accounts and {BilledSessions:N0} billed sessions");
        return transactions + BilledSessions;
    }

    private static AppendUnit Stream(string streamId, object @event)
    {
        var (type, json) = EventSerializer.Serialize(@event);
        return new AppendUnit(new StreamAppend(streamId, ExpectedVersion.Any, [new EventData(Guid.NewGuid(), type, json, new EventMetadata(Source: "bench"))]));
    }

    private static string ChargePointId(int n) => "CP" + n.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Runs the projections the measured routes read until they have applied the whole log (only new events after the first run).</summary>
    private static async Task ProjectAsync(PostgresEventStore store, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        IProjection[] projections = [new LiveStatusProjection(), new TransactionsProjection(), new BillingLedgerProjection()];
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var host = new ProjectionHost(store, dataSource, projections, new ProjectionRunnerOptions { BatchSize = 5_000, Log = Print }).RunAsync(stop.Token);
        var status = new ProjectionStatusReader(dataSource);
        while (true)
        {
            var all = await status.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var mine = all.Where(s => projections.Any(p => p.Name == s.Name)).ToList();
            if (mine.Count == projections.Length && mine.All(s => s.EventsBehind == 0))
            {
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await host.ConfigureAwait(false);
        Print($"projections caught up in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Sessions round-robin over the charge points (each booted first) until the log holds the target; returns the transaction count.</summary>
    private static async Task<int> GenerateAsync(IEventStore store, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var count = dataSource.CreateCommand("SELECT count(*), (SELECT count(*) FROM events WHERE type = 'TransactionStarted') FROM events");
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetInt64(0) >= TargetEvents)
            {
                Print($"dataset: {reader.GetInt64(0):N0} events, {reader.GetInt64(1):N0} sessions already in {DatabaseName}");
                return (int)reader.GetInt64(1);
            }
        }
        await using (var wipe = dataSource.CreateCommand("TRUNCATE events, streams"))
        {
            await wipe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var clock = Stopwatch.StartNew();
        var now = SystemClock.Instance.GetCurrentInstant();
        var start = now - Duration.FromDays(7);
        long appended = 0;
        for (var cp = 0; cp < ChargePoints; cp += 500)
        {
            var boots = Enumerable.Range(cp, 500).Select(n => Unit(ChargePointId(n), start,
                new ChargePointBooted(ChargePointId(n), "b", "Alfen", "NG910", null, null, "6.1", null, null, "MID", null, RegistrationStatus.Accepted, 300, start))).ToList();
            appended += await AppendAsync(store, boots, cancellationToken).ConfigureAwait(false);
        }
        var transaction = 0;
        while (appended < TargetEvents)
        {
            var units = new List<AppendUnit>();
            for (var i = 0; i < 250; i++)
            {
                transaction++;
                var at = start + Duration.FromSeconds(transaction * 10L);
                units.AddRange(Session(transaction, ChargePointId(transaction % ChargePoints), at));
            }
            appended += await AppendAsync(store, units, cancellationToken).ConfigureAwait(false);
        }
        // Every charge point was heard from just now, so the status route reads realistic online charge points.
        for (var cp = 0; cp < ChargePoints; cp += 500)
        {
            var beats = Enumerable.Range(cp, 500).Select(n => Unit(ChargePointId(n), now, new HeartbeatReceived(ChargePointId(n), "h", now))).ToList();
            appended += await AppendAsync(store, beats, cancellationToken).ConfigureAwait(false);
        }
        Print($"dataset: appended {appended:N0} events ({transaction:N0} sessions) in {clock.Elapsed.TotalSeconds:0.0} s");
        return transaction;
    }

    private static async Task<long> AppendAsync(IEventStore store, List<AppendUnit> units, CancellationToken cancellationToken)
    {
        var outcomes = await store.AppendManyAsync(units, cancellationToken).ConfigureAwait(false);
        return outcomes.FirstOrDefault(o => o is not AppendOutcome.Committed) is { } failed
            ? throw new InvalidOperationException($"append failed: {failed}")
            : units.Sum(u => u.Streams.Sum(s => s.Events.Count));
    }

    /// <summary>A session as ingest records it, one unit per OCPP message: start, status, 12 meter values, stop, status (17 events).</summary>
    private static IEnumerable<AppendUnit> Session(int transactionId, string cp, Instant at)
    {
        var accepted = new IdTagInfo(AuthorizationStatus.Accepted, null, null);
        var tag = "TAG" + (transactionId % 2_000).ToString("D4", CultureInfo.InvariantCulture);
        var meterStart = transactionId * 20_000L;
        yield return Unit(cp, at,
            new TransactionIdAssigned(cp, "s", 1, transactionId, tag, meterStart, at, accepted, at),
            new TransactionStarted(transactionId, cp, "s", 1, tag, meterStart, null, at, accepted, at));
        yield return Unit(cp, at, new ConnectorStatusReported(cp, "c", 1, "Charging", "NoError", null, null, null, at, at));
        for (var i = 1; i <= 12; i++)
        {
            var t = at + Duration.FromMinutes(i * 5);
            var wh = meterStart + (i * 1_500L);
            yield return Unit(cp, t, new MeterValuesRecorded(transactionId, cp, "m" + i, 1, MeterValuesSource.MeterValues,
            [
                new RecordedSample(t, wh.ToString(CultureInfo.InvariantCulture), RecordedSample.EnergyActiveImportRegister, "Wh", "Sample.Periodic", "Raw", "Outlet", null, wh, wh),
                new RecordedSample(t, "18", "Power.Active.Import", "kW", "Sample.Periodic", "Raw", "Outlet", null, 18m, null),
            ], t));
        }
        var stop = at + Duration.FromMinutes(61);
        var meterStop = meterStart + 18_000;
        yield return Unit(cp, stop,
            new TransactionStopped(transactionId, cp, "x", meterStart, meterStop, meterStop - meterStart, stop, tag, "EVDisconnected", accepted, stop),
            new ConnectorReleased(cp, 1, transactionId, meterStop, stop, stop));
        yield return Unit(cp, stop, new ConnectorStatusReported(cp, "c2", 1, "Available", "NoError", null, null, null, stop, stop));
    }

    private static AppendUnit Unit(string cp, Instant at, params object[] events) => new(
        [.. events.GroupBy(e => StreamIds.For(e)!).Select(g => new StreamAppend(g.Key, ExpectedVersion.Any, [.. g.Select(e =>
        {
            var (type, json) = EventSerializer.Serialize(e);
            return new EventData(Guid.NewGuid(), type, json, new EventMetadata(
                Source: "bench", Topic: "ocpp/cp/" + cp, ChargePointId: cp, DeviceTime: at, ReceivedAt: at,
                Raw: $$"""[2,"{{type}}","{{type}}",{}]"""));
        })]))]);

    private static void Print(string line) => Console.WriteLine("api: " + line);
}
