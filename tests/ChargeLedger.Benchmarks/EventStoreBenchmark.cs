using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ChargeLedger.EventStore;
using ChargeLedger.TestSupport;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// eng/bench eventstore [seconds-per-phase]: in one run on a fresh database, (1) the store's group-commit append
/// of ~300-byte events in batches of 500, (2) binary COPY of the same rows into a bare copy of the events table
/// (same columns, defaults and indexes, no logic), and (3) single-event appends by 32 concurrent callers through
/// the GroupCommitAppender.
/// </summary>
internal static class EventStoreBenchmark
{
    private const int BatchSize = 500;
    private const int Streams = 2_000;
    private const int ConcurrentCallers = 32;
    private const int WarmUpBatches = 40;

    private static long copyVersion;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var phase = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 15);
        await using var database = await TestDatabase.CreateMigratedAsync("bench_es", cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresEventStore(dataSource);
        await using (var bare = dataSource.CreateCommand("CREATE TABLE bare_events (LIKE events INCLUDING ALL)"))
        {
            await bare.ExecuteNonQueryAsync(cancellationToken);
        }
        var sample = NewEvent();
        Console.WriteLine($"event size: {sample.Data.Length} bytes data + metadata, ~{sample.Data.Length + 110} bytes in all; {phase.TotalSeconds:0} s per phase");

        // Warm-up of both paths (connection pool, catalog caches, and the JIT: a method runs unoptimized for its
        // first 30 calls, so per-batch code needs more than 30 batches to reach the code a long-running service runs).
        for (var i = 0; i < WarmUpBatches; i++)
        {
            await StoreBatchAsync(store, cancellationToken);
            await CopyBatchAsync(dataSource, cancellationToken);
        }

        // The two batch paths alternate, so both see the same load on this shared machine.
        var storeTime = TimeSpan.Zero;
        var copyTime = TimeSpan.Zero;
        var storeCpu = TimeSpan.Zero;
        var copyCpu = TimeSpan.Zero;
        var batches = 0;
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < phase * 2)
        {
            var cpu = process.TotalProcessorTime;
            storeTime += await StoreBatchAsync(store, cancellationToken);
            process.Refresh();
            storeCpu += process.TotalProcessorTime - cpu;
            cpu = process.TotalProcessorTime;
            copyTime += await CopyBatchAsync(dataSource, cancellationToken);
            process.Refresh();
            copyCpu += process.TotalProcessorTime - cpu;
            batches++;
        }
        var storeRate = batches * BatchSize / storeTime.TotalSeconds;
        var copyRate = batches * BatchSize / copyTime.TotalSeconds;
        var concurrentRate = await ConcurrentSinglesAsync(store, phase, cancellationToken);
        double eventsPerCommit;
        await using (var commits = dataSource.CreateCommand(
            "SELECT count(*)::float8 / count(DISTINCT transaction_id) FROM events WHERE stream_id LIKE 'caller-%'"))
        {
            eventsPerCommit = (double)(await commits.ExecuteScalarAsync(cancellationToken))!;
        }

        Console.WriteLine($"store batch append (500/batch):    {storeRate,10:N0} events/s   (client CPU {storeCpu.TotalMilliseconds / batches:0.0} ms/batch)");
        Console.WriteLine($"raw binary COPY (500/batch):       {copyRate,10:N0} events/s   (client CPU {copyCpu.TotalMilliseconds / batches:0.0} ms/batch)");
        Console.WriteLine($"ratio store / COPY:                {storeRate / copyRate,10:0.00}   (target >= 0.60)");
        Console.WriteLine($"32 callers, single-event appends:  {concurrentRate,10:N0} events/s (target >= 10,000), {eventsPerCommit:0.0} events per commit");
        return 0;
    }

    private static int storeStream;

    private static async Task<TimeSpan> StoreBatchAsync(PostgresEventStore store, CancellationToken cancellationToken)
    {
        var units = new AppendUnit[BatchSize];
        for (var i = 0; i < units.Length; i++)
        {
            units[i] = new AppendUnit(new StreamAppend($"cp-{storeStream++ % Streams}", ExpectedVersion.Any, [NewEvent()]));
        }
        var clock = Stopwatch.StartNew();
        var outcomes = await store.AppendManyAsync(units, cancellationToken);
        var elapsed = clock.Elapsed;
        if (outcomes.Any(o => o is not AppendOutcome.Committed))
        {
            throw new InvalidOperationException("a benchmark unit did not commit");
        }
        return elapsed;
    }

    private static async Task<TimeSpan> CopyBatchAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        // The same inputs the store gets: JSON text and metadata, plus a hash per row.
        var rows = Enumerable.Range(0, BatchSize).Select(_ => NewEvent()).ToArray();
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY bare_events (stream_id, stream_version, event_id, type, data, metadata, hash) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in rows)
            {
                var version = copyVersion++;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync($"cp-{version % Streams}", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(version, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(row.EventId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(row.Type, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(Encoding.UTF8.GetString(row.Data.Span), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(MetadataText(row.Metadata), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(SHA256.HashData(row.Data.Span), NpgsqlDbType.Bytea, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        return clock.Elapsed;
    }

    private static async Task<double> ConcurrentSinglesAsync(PostgresEventStore store, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var appender = new GroupCommitAppender(store);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, ConcurrentCallers).Select(caller => Task.Run(async () =>
        {
            var appended = 0L;
            while (clock.Elapsed < duration)
            {
                await appender.AppendAsync(
                    new AppendUnit(new StreamAppend($"caller-{caller}", ExpectedVersion.Any, [NewEvent()])), cancellationToken);
                appended++;
            }
            return appended;
        }, cancellationToken)));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static string MetadataText(EventMetadata metadata) =>
        $$"""{"source":"{{metadata.Source}}","topic":"{{metadata.Topic}}","chargePointId":"{{metadata.ChargePointId}}","ocppMessageId":"{{metadata.OcppMessageId}}","receivedAt":"{{metadata.ReceivedAt}}"}""";

    private static EventData NewEvent()
    {
        var id = Guid.NewGuid();
        var energy = Random.Shared.Next(1_000_000);
        var data = $$"""{"connectorId":1,"transactionId":{{energy % 9999}},"meterValue":[{"timestamp":"2026-11-21T10:15:30.123Z","sampledValue":[{"value":"{{energy}}","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]}""";
        return new EventData(
            id, "MeterValuesReceived", Encoding.UTF8.GetBytes(data),
            new EventMetadata(Source: "mqtt", Topic: "ocpp/cp-1/up", ChargePointId: "cp-1", OcppMessageId: id.ToString("N")[..12], ReceivedAt: SystemClock.Instance.GetCurrentInstant()));
    }
}
