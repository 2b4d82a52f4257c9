using System.Diagnostics;
using System.Globalization;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.TestSupport;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// `eng/bench readmodels [events] [projection...]`: rebuilds every read model of the catalog (or the named ones) over a
/// log of real domain events (default 1,000,000) shaped like charging sessions: start, ten meter values with register
/// and power, status changes, heartbeats, stop; plus the back office: a published tariff, idTags linked to billing
/// accounts, and a complaint with a refund for every 500th session. The log is kept in a named database between runs, one
/// per size asked for (a smaller log for quick iterations does not disturb the 1,000,000-event one).
/// Baseline, measured in the same run: reading the whole log in the same page size. Each projection is rebuilt twice:
/// first in a process that has not run it yet, then again.
/// </summary>
internal static class ReadModelsBenchmark
{
    private const string DefaultDatabaseName = "chargeledger_bench_readmodels";
    private const long DefaultTarget = 1_000_000;
    private const int PageSize = 5_000;
    private const int ChargePoints = 2_000;
    private const int Tags = 5_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var target = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : DefaultTarget;
        var databaseName = target == DefaultTarget ? DefaultDatabaseName : $"{DefaultDatabaseName}_{target}";
        var connectionString = await BenchmarkDatabase.EnsureAsync(databaseName, recreate: false, cancellationToken).ConfigureAwait(false);
        if (!await HasBackOfficeAsync(connectionString, cancellationToken).ConfigureAwait(false))
        {
            // A dataset from before the back-office events would leave the ledger with nothing to price.
            Print($"dataset: no tariff in {databaseName}; recreating it");
            connectionString = await BenchmarkDatabase.EnsureAsync(databaseName, recreate: true, cancellationToken).ConfigureAwait(false);
        }
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(dataSource).MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var store = new PostgresEventStore(dataSource);
        await GenerateAsync(store, dataSource, databaseName, target, cancellationToken).ConfigureAwait(false);

        await BenchmarkDatabase.DiscardUnfinishedRebuildsAsync(dataSource, cancellationToken).ConfigureAwait(false);
        var (scanned, elapsed) = await BenchmarkDatabase.ScanLogAsync(store, PageSize, cancellationToken).ConfigureAwait(false);
        var readRate = scanned / elapsed.TotalSeconds;
        Print($"baseline read-only scan: {scanned:N0} events in {elapsed.TotalSeconds:0.0} s = {readRate:N0} events/s; load average {LoadAverage()}");

        var rebuilder = new ProjectionRebuilder(store, dataSource, new RebuildOptions { BatchSize = PageSize, Log = Print });
        var projections = ProjectionCatalog.CreateDefault().Select(args.Skip(1));
        var postmaster = await ProcessCpu.PostmasterAsync(dataSource).ConfigureAwait(false);
        foreach (var projection in projections)
        {
            // The first rebuild in the process also compiles its code (the JIT's optimizing tier: 3–5 s of CPU for the
            // ledger); the second shows the rate a long rebuild runs at once that is done, as the ingest benchmark
            // measures after its warm-up.
            foreach (var pass in new[] { "first in this process", "again, its code compiled" })
            {
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var server = ProcessCpu.ServerTicks(postmaster);
                var jit = System.Runtime.JitInfo.GetCompilationTime();
                var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
                var report = await rebuilder.RebuildAsync(projection, cancellationToken).ConfigureAwait(false);
                process.Refresh();
                var cpuPerEvent = (process.TotalProcessorTime - cpu).TotalMicroseconds / report.EventsApplied;
                var serverPerEvent = ProcessCpu.Time(ProcessCpu.ServerTicks(postmaster) - server).TotalMicroseconds / report.EventsApplied;
                Print($"{pass}: {RebuildFigures.Describe(report, readRate)}; client CPU {cpuPerEvent:0.0} us/event, server {serverPerEvent:0.0}; " +
                    $"JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalSeconds:0.00} s for {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted:N0} methods; load average {LoadAverage()}");
            }
        }
        return 0;
    }

    private static async Task GenerateAsync(IEventStore store, NpgsqlDataSource dataSource, string databaseName, long target, CancellationToken cancellationToken)
    {
        await using var countAll = dataSource.CreateCommand("SELECT count(*) FROM events");
        var existing = (long)(await countAll.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (existing >= target)
        {
            Print($"dataset: {existing:N0} events already in {databaseName}");
            return;
        }
        await using var maxTx = dataSource.CreateCommand("SELECT coalesce(max((data->>'transactionId')::int), 0) FROM events WHERE type = 'TransactionStarted'");
        var transaction = (int)(await maxTx.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var clock = Stopwatch.StartNew();
        var added = 0L;
        var start = Instant.FromUtc(2026, 6, 1, 0, 0);
        if (existing == 0)
        {
            added += await AppendBackOfficeAsync(store, start, cancellationToken).ConfigureAwait(false);
        }
        while (existing + added < target)
        {
            var units = new List<AppendUnit>();
            for (var i = 0; i < 200; i++)
            {
                transaction++;
                units.AddRange(Session(transaction, $"CP{transaction % ChargePoints:D5}", start + Duration.FromMinutes(transaction)));
            }
            var outcomes = await store.AppendManyAsync(units, cancellationToken).ConfigureAwait(false);
            if (outcomes.FirstOrDefault(o => o is not AppendOutcome.Committed) is { } failed)
            {
                throw new InvalidOperationException($"append failed: {failed}");
            }
            added += units.Sum(u => u.Streams.Sum(s => s.Events.Count));
        }
        Print($"dataset: appended {added:N0} events in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>One charging session as the ingest would record it: one atomic unit per OCPP message.</summary>
    private static IEnumerable<AppendUnit> Session(int transactionId, string cp, Instant at)
    {
        var accepted = new IdTagInfo(AuthorizationStatus.Accepted, null, null);
        var tag = $"TAG{transactionId % Tags:D5}";
        var meterStart = transactionId * 10_000L;
        var uid = 0;
        string Uid() => $"{transactionId}-{++uid}";
        AppendUnit Unit(Instant deviceTime, params object[] events) => new(
            [.. events.GroupBy(e => StreamIds.For(e)!).Select(g => new StreamAppend(g.Key, ExpectedVersion.Any, [.. g.Select(e =>
            {
                var (type, json) = EventSerializer.Serialize(e);
                return new EventData(Guid.NewGuid(), type, json, new EventMetadata(
                    Source: "bench", Topic: "ocpp/cp/" + cp, ChargePointId: cp, OcppMessageId: Uid(), DeviceTime: deviceTime,
                    ReceivedAt: deviceTime + Duration.FromSeconds(1), Raw: $"{{\"MessageTypeId\":2,\"UniqueId\":\"{uid}\",\"Action\":\"{type}\",\"Payload\":{{}}}}"));
            })]))]);
        var received = at + Duration.FromSeconds(1);
        yield return Unit(at, new AuthorizationAnswered(cp, "a", tag, accepted, received));
        yield return Unit(at, new TransactionIdAssigned(cp, "s", 1, transactionId, tag, meterStart, at, accepted, received),
            new TransactionStarted(transactionId, cp, "s", 1, tag, meterStart, null, at, accepted, received));
        yield return Unit(at, new ConnectorStatusReported(cp, "c", 1, "Charging", "NoError", null, null, null, at, received));
        for (var i = 1; i <= 10; i++)
        {
            var t = at + Duration.FromMinutes(i);
            var wh = meterStart + i * 1_000;
            yield return Unit(t, new MeterValuesRecorded(transactionId, cp, "m", 1, MeterValuesSource.MeterValues,
            [
                new RecordedSample(t, wh.ToString(CultureInfo.InvariantCulture), RecordedSample.EnergyActiveImportRegister, "Wh", "Sample.Periodic", "Raw", "Outlet", null, wh, wh),
                new RecordedSample(t, "11000", "Power.Active.Import", "W", "Sample.Periodic", "Raw", "Outlet", null, 11_000, null),
            ], t + Duration.FromSeconds(1)));
            if (i % 5 == 0)
            {
                yield return Unit(t, new HeartbeatReceived(cp, "h", t + Duration.FromSeconds(1)));
            }
        }
        var stop = at + Duration.FromMinutes(11);
        var meterStop = meterStart + 10_500;
        yield return Unit(stop, new TransactionStopped(transactionId, cp, "x", meterStart, meterStop, meterStop - meterStart, stop, tag, "Local", accepted, stop + Duration.FromSeconds(1)),
            new ConnectorReleased(cp, 1, transactionId, meterStop, stop, stop + Duration.FromSeconds(1)));
        yield return Unit(stop, new ConnectorStatusReported(cp, "c", 1, "Available", "NoError", null, null, null, stop, stop + Duration.FromSeconds(1)));
        if (transactionId % 500 == 0)
        {
            var complaint = $"C{transactionId}";
            var later = stop + Duration.FromHours(1);
            yield return Unit(later, new ComplaintOpened(complaint, ComplaintSubjectKind.Transaction, transactionId.ToString(CultureInfo.InvariantCulture), at, stop, "charged too much", "support", later));
            yield return Unit(later, new ComplaintResolved(complaint, "R1", ComplaintOutcome.Upheld, "goodwill", 0.50m, "EUR", "support", later));
        }
    }

    private static async Task<bool> HasBackOfficeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // A fresh database has no events table yet (the migration comes later), and a query naming it would not even plan.
        await using var exists = dataSource.CreateCommand("SELECT to_regclass('events') IS NOT NULL");
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return true;
        }
        await using var command = dataSource.CreateCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM events LIMIT 1) OR EXISTS (SELECT 1 FROM events WHERE type = 'TariffPublished')");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The tariff that prices every session and the idTags' billing accounts, as the API appends them.</summary>
    private static async Task<long> AppendBackOfficeAsync(IEventStore store, Instant start, CancellationToken cancellationToken)
    {
        var metadata = new EventMetadata(Source: "api:bench", ReceivedAt: start);
        var tariff = new TariffDefinition("default", start - Duration.FromDays(30), "EUR", 0.39m, 0.01m, 0.10m, 15, 0.50m, 1.00m, 80m, 19m, "Europe/Berlin",
            [new TariffBand("night", new TimeOnly(22, 0), new TimeOnly(6, 0), 0.29m, 0.005m)]);
        var units = new List<AppendUnit> { Unit(new TariffPublished(tariff, start)) };
        for (var tag = 0; tag < Tags; tag++)
        {
            units.Add(Unit(new IdTagRegistered($"TAG{tag:D5}", $"ACC{tag % 500:D3}", null, null, start)));
        }
        await AppendAsync(store, units, cancellationToken).ConfigureAwait(false);
        return units.Count;

        AppendUnit Unit(object e)
        {
            var (type, json) = EventSerializer.Serialize(e);
            return new AppendUnit(new StreamAppend(StreamIds.For(e)!, ExpectedVersion.Any, [new EventData(Guid.NewGuid(), type, json, metadata)]));
        }
    }

    private static async Task AppendAsync(IEventStore store, List<AppendUnit> units, CancellationToken cancellationToken)
    {
        var outcomes = await store.AppendManyAsync(units, cancellationToken).ConfigureAwait(false);
        if (outcomes.FirstOrDefault(o => o is not AppendOutcome.Committed) is { } failed)
        {
            throw new InvalidOperationException($"append failed: {failed}");
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Print(string line) => Console.WriteLine("readmodels: " + line);
}
