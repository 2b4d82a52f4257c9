using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projections.StreamHeads;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// `eng/bench rebuild [events]`: rebuilds the stream-heads projection over a log of at least 1,000,000 events of a
/// realistic mix (mostly ~300-byte meter values). The log lives in a named database that is kept between runs, so
/// only the first run pays for generating it. Baseline, measured in the same run: reading the whole log in the
/// same page size without projecting, the floor every rebuild pays.
/// </summary>
internal static class RebuildBenchmark
{
    private const string DatabaseName = "chargeledger_bench_rebuild";
    private const int PageSize = 5_000;
    private const int ChargePoints = 10_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var target = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var connectionString = await BenchmarkDatabase.EnsureAsync(DatabaseName, recreate: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var probe = NpgsqlDataSource.Create(connectionString);
            await new SchemaMigrator(probe).MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MigrationException e)
        {
            // The kept dataset was written under an older schema: it is regenerated rather than trusted.
            Print($"dataset: schema changed ({e.Message}); recreating {DatabaseName}");
            connectionString = await BenchmarkDatabase.EnsureAsync(DatabaseName, recreate: true, cancellationToken).ConfigureAwait(false);
            await using var fresh = NpgsqlDataSource.Create(connectionString);
            await new SchemaMigrator(fresh).MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var store = new PostgresEventStore(dataSource);

        await GenerateAsync(store, dataSource, target, cancellationToken).ConfigureAwait(false);

        await BenchmarkDatabase.DiscardUnfinishedRebuildsAsync(dataSource, cancellationToken).ConfigureAwait(false);
        var (scanned, elapsed) = await BenchmarkDatabase.ScanLogAsync(store, PageSize, cancellationToken).ConfigureAwait(false);
        var readRate = scanned / elapsed.TotalSeconds;
        Print($"baseline read-only scan: {scanned:N0} events in {elapsed.TotalSeconds:0.0} s = {readRate:N0} events/s");

        var report = await new ProjectionRebuilder(store, dataSource, new RebuildOptions { BatchSize = PageSize })
            .RebuildAsync(new StreamHeadsProjection(), cancellationToken).ConfigureAwait(false);
        Print(RebuildFigures.Describe(report, readRate));
        return 0;
    }

    /// <summary>Appends until the log holds <paramref name="target"/> events, through the store's group commit, two writers on disjoint streams.</summary>
    private static async Task GenerateAsync(IEventStore store, NpgsqlDataSource dataSource, long target, CancellationToken cancellationToken)
    {
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM events");
        var existing = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (existing >= target)
        {
            Print($"dataset: {existing:N0} events already in {DatabaseName}");
            return;
        }
        var clock = Stopwatch.StartNew();
        var missing = target - existing;
        const int unitsPerCall = 1_000, eventsPerUnit = 5;
        var calls = (missing + unitsPerCall * eventsPerUnit - 1) / (unitsPerCall * eventsPerUnit);
        var next = -1L;
        var seed = existing;
        async Task WriterAsync(int writer)
        {
            for (var call = Interlocked.Increment(ref next); call < calls; call = Interlocked.Increment(ref next))
            {
                var units = new List<AppendUnit>(unitsPerCall);
                for (var u = 0; u < unitsPerCall; u++)
                {
                    units.Add(Unit(writer, seed + call * unitsPerCall + u, eventsPerUnit));
                }
                var outcomes = await store.AppendManyAsync(units, cancellationToken).ConfigureAwait(false);
                if (outcomes.FirstOrDefault(o => o is not AppendOutcome.Committed) is { } failed)
                {
                    throw new InvalidOperationException($"append failed: {failed}");
                }
            }
        }
        await Task.WhenAll(WriterAsync(0), WriterAsync(1)).ConfigureAwait(false);
        var added = calls * unitsPerCall * eventsPerUnit;
        Print($"dataset: appended {added:N0} events in {clock.Elapsed.TotalSeconds:0.0} s = {added / clock.Elapsed.TotalSeconds:N0} events/s");
    }

    /// <summary>
    /// 70% of units are five meter values of a charging session, the rest charge-point traffic (heartbeats,
    /// status notifications, session start/stop). Writers use disjoint charge points so they never wait on each other.
    /// </summary>
    private static AppendUnit Unit(int writer, long n, int events)
    {
        var cp = (int)(n % (ChargePoints / 2)) * 2 + writer;
        var chargePointId = $"CP{cp:D5}";
        var at = DateTimeOffset.UnixEpoch.AddSeconds(1_790_000_000 + n);
        var metadata = new EventMetadata(Source: "bench", Topic: $"ocpp/cp/{chargePointId}", ChargePointId: chargePointId,
            DeviceTime: NodaTime.Instant.FromDateTimeOffset(at), ReceivedAt: NodaTime.Instant.FromDateTimeOffset(at));
        var list = new List<EventData>(events);
        if (n % 10 < 7)
        {
            var transaction = cp * 1_000 + (int)(n / ChargePoints % 1_000);
            for (var i = 0; i < events; i++)
            {
                list.Add(Event("MeterValuesReceived", $$"""
                    {"chargePointId":"{{chargePointId}}","connectorId":1,"transactionId":{{transaction}},"meterValue":[{"timestamp":"{{at.AddSeconds(i * 60):O}}","sampledValue":[{"value":"{{n * 7 + i * 250}}","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},{"value":"{{7000 + i}}","measurand":"Power.Active.Import","unit":"W"}]}]}
                    """, metadata));
            }
            return new AppendUnit(new StreamAppend($"transaction-{transaction}", ExpectedVersion.Any, list));
        }
        for (var i = 0; i < events; i++)
        {
            list.Add(((n + i) % 5) switch
            {
                0 => Event("StatusNotificationReceived", $$"""{"chargePointId":"{{chargePointId}}","connectorId":1,"status":"Charging","errorCode":"NoError","timestamp":"{{at:O}}"}""", metadata),
                1 => Event("TransactionStarted", $$"""{"chargePointId":"{{chargePointId}}","connectorId":1,"idTag":"TAG{{n % 5000:D5}}","meterStart":{{n * 7}},"timestamp":"{{at:O}}"}""", metadata),
                _ => Event("HeartbeatReceived", $$"""{"chargePointId":"{{chargePointId}}","currentTime":"{{at:O}}"}""", metadata),
            });
        }
        return new AppendUnit(new StreamAppend($"chargepoint-{chargePointId}", ExpectedVersion.Any, list));
    }

    private static EventData Event(string type, string json, EventMetadata metadata) =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), metadata);

    private static void Print(string line) => Console.WriteLine("rebuild: " + line);
}
