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
/// (same columns, defaults and indexes, no logic), (3) the ingest's shape: group commits of 2,000 events in 1,000
/// units over 500 streams, each unit a charge point stream and a transaction stream with exact expected versions,
/// against COPY of 2,000 rows, and (4) single-event appends by 32 concurrent callers through the GroupCommitAppender,
/// against the latency of a bare one-row commit. `eng/bench eventstore [seconds] concurrent` runs only (4), `... batch` only (1) and (2).
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

        if (args.Length > 1 && args[1] == "concurrent")
        {
            await ConcurrentSinglesAsync(store, phase / 3, cancellationToken);
            await PrintConcurrentAsync(store, dataSource, phase, cancellationToken);
            return 0;
        }

        // Warm-up of both paths (connection pool, catalog caches, and the JIT: a method runs unoptimized for its
        // first 30 calls, so per-batch code needs more than 30 batches to reach the code a long-running service runs).
        for (var i = 0; i < WarmUpBatches; i++)
        {
            await StoreBatchAsync(store, cancellationToken);
            await CopyBatchAsync(dataSource, BatchSize, cancellationToken);
        }

        var server = new ServerCpu(dataSource);
        var batch = await AlternateAsync(
            () => StoreBatchAsync(store, cancellationToken), () => CopyBatchAsync(dataSource, BatchSize, cancellationToken), BatchSize, phase, server);
        if (args.Length > 1 && args[1] == "batch")
        {
            PrintBatch(batch);
            Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        var ingest = new IngestShape();
        for (var i = 0; i < WarmUpBatches / 4; i++)
        {
            await ingest.AppendAsync(store, cancellationToken);
        }
        var shaped = await AlternateAsync(
            () => ingest.AppendAsync(store, cancellationToken), () => CopyBatchAsync(dataSource, IngestShape.Events, cancellationToken), IngestShape.Events, phase, server);
        // The small-commit path (INSERT from arrays) and the appender are not warmed up by the batch phases (COPY).
        await ConcurrentSinglesAsync(store, phase / 3, cancellationToken);

        PrintBatch(batch);
        Console.WriteLine($"ingest shape (2,000 ev, 1,000 units, 500 streams, exact): {shaped.StoreRate,10:N0} events/s, {shaped.StoreMs:0} ms/commit   (client CPU {shaped.StoreCpuMs:0.0}, server CPU {shaped.StoreServerCpuMs:0.0} ms/commit)");
        Console.WriteLine($"raw binary COPY (2,000/batch):     {shaped.CopyRate,10:N0} events/s, {shaped.CopyMs:0} ms/batch   (client CPU {shaped.CopyCpuMs:0.0}, server CPU {shaped.CopyServerCpuMs:0.0} ms/batch)");
        Console.WriteLine($"ratio ingest shape / COPY:         {shaped.StoreRate / shaped.CopyRate,10:0.00}");
        await PrintConcurrentAsync(store, dataSource, phase, cancellationToken);
        return 0;
    }

    private static void PrintBatch(Comparison batch)
    {
        Console.WriteLine($"store batch append (500/batch):    {batch.StoreRate,10:N0} events/s   (client CPU {batch.StoreCpuMs:0.0}, server CPU {batch.StoreServerCpuMs:0.0} ms/batch)");
        Console.WriteLine($"raw binary COPY (500/batch):       {batch.CopyRate,10:N0} events/s   (client CPU {batch.CopyCpuMs:0.0}, server CPU {batch.CopyServerCpuMs:0.0} ms/batch)");
        Console.WriteLine($"ratio store / COPY:                {batch.StoreRate / batch.CopyRate,10:0.00}   (target >= 0.60; CPU, client + server: {(batch.CopyCpuMs + batch.CopyServerCpuMs) / (batch.StoreCpuMs + batch.StoreServerCpuMs):0.00})");
    }

    /// <summary>
    /// The concurrent case and its baseline, measured back to back: each caller has one append in flight, so the
    /// rate is bound by 32 / (commit latency), and no commit is faster than a bare one-row INSERT's WAL flush.
    /// </summary>
    private static async Task PrintConcurrentAsync(PostgresEventStore store, NpgsqlDataSource dataSource, TimeSpan phase, CancellationToken cancellationToken)
    {
        var concurrent = await ConcurrentSinglesAsync(store, phase, cancellationToken);
        var bareCommitMs = await BareCommitLatencyAsync(dataSource, phase / 3, cancellationToken);
        Console.WriteLine($"32 callers, single-event appends:  {concurrent.Rate,10:N0} events/s (target >= 10,000), {concurrent.EventsPerCommit:0.0} events per commit, {concurrent.CommitMs:0.00} ms per commit   (client CPU {concurrent.CpuMicrosecondsPerEvent:0} us/event)");
        Console.WriteLine($"bare one-row INSERT commit, 2 connections: {bareCommitMs:0.00} ms   (ceiling for 32 callers with one append in flight: {ConcurrentCallers / bareCommitMs * 1000:N0} events/s; store commit / bare commit: {concurrent.CommitMs / bareCommitMs:0.00})");
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private sealed record Concurrent(double Rate, double EventsPerCommit, double CommitMs, double CpuMicrosecondsPerEvent);

    /// <summary>The cheapest durable commit on this server now: an autocommit one-row INSERT (one round trip, one WAL flush).</summary>
    private static async Task<double> BareCommitLatencyAsync(NpgsqlDataSource dataSource, TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var commits = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand(
                "INSERT INTO bare_events (stream_id, stream_version, event_id, type, data, metadata, hash) VALUES ('bare', $1, $2, 'T', '{}', '{}', '\\x00')", connection);
            var version = insert.Parameters.Add(new NpgsqlParameter<long>());
            var eventId = insert.Parameters.Add(new NpgsqlParameter<Guid>());
            await insert.PrepareAsync(cancellationToken);
            var count = 0L;
            while (clock.Elapsed < duration)
            {
                ((NpgsqlParameter<long>)version).TypedValue = Interlocked.Increment(ref copyVersion) + (1L << 40);
                ((NpgsqlParameter<Guid>)eventId).TypedValue = Guid.NewGuid();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                count++;
            }
            return count;
        }, cancellationToken)));
        return 2 * clock.Elapsed.TotalMilliseconds / commits.Sum();
    }

    /// <summary>The store and its baseline alternate, so both see the same load on this shared machine.</summary>
    /// <remarks>
    /// Besides wall time, it counts the CPU both sides spend (this process, and the server processes serving this
    /// database): on a machine loaded by others, wall time mostly measures waiting for a core, CPU does not.
    /// </remarks>
    private static async Task<Comparison> AlternateAsync(
        Func<Task<TimeSpan>> storeBatch, Func<Task<TimeSpan>> copyBatch, int eventsPerBatch, TimeSpan phase, ServerCpu server)
    {
        var storeTime = TimeSpan.Zero;
        var copyTime = TimeSpan.Zero;
        var storeCpu = TimeSpan.Zero;
        var copyCpu = TimeSpan.Zero;
        var storeServerCpu = TimeSpan.Zero;
        var copyServerCpu = TimeSpan.Zero;
        var batches = 0;
        using var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < phase * 2)
        {
            var serverCpu = await server.SampleAsync();
            var cpu = process.TotalProcessorTime;
            storeTime += await storeBatch();
            process.Refresh();
            storeCpu += process.TotalProcessorTime - cpu;
            storeServerCpu += server.Since(serverCpu);
            serverCpu = await server.SampleAsync();
            cpu = process.TotalProcessorTime;
            copyTime += await copyBatch();
            process.Refresh();
            copyCpu += process.TotalProcessorTime - cpu;
            copyServerCpu += server.Since(serverCpu);
            batches++;
        }
        return new Comparison(
            batches * eventsPerBatch / storeTime.TotalSeconds, batches * eventsPerBatch / copyTime.TotalSeconds,
            storeTime.TotalMilliseconds / batches, copyTime.TotalMilliseconds / batches,
            storeCpu.TotalMilliseconds / batches, copyCpu.TotalMilliseconds / batches,
            storeServerCpu.TotalMilliseconds / batches, copyServerCpu.TotalMilliseconds / batches);
    }

    private sealed record Comparison(
        double StoreRate, double CopyRate, double StoreMs, double CopyMs, double StoreCpuMs, double CopyCpuMs, double StoreServerCpuMs, double CopyServerCpuMs);

    /// <summary>
    /// What the ingest hands the store per group commit: 1,000 units (one per message), each appending one event to
    /// a charge point stream and one to a transaction stream with exact expected versions; 250 charge points and
    /// 250 transactions per commit, drawn in turn from 5,000 of each, so each stream gets 4 events in 4 units.
    /// </summary>
    private sealed class IngestShape
    {
        public const int Events = 2_000;
        private const int StreamsPerKind = 250;
        private const int Population = 5_000;
        private readonly Dictionary<string, long> versions = new(StringComparer.Ordinal);
        private int next;

        public async Task<TimeSpan> AppendAsync(PostgresEventStore store, CancellationToken cancellationToken)
        {
            var first = next;
            next = (next + StreamsPerKind) % Population;
            var units = new AppendUnit[Events / 2];
            for (var i = 0; i < units.Length; i++)
            {
                var n = (first + i % StreamsPerKind) % Population;
                units[i] = new AppendUnit(Append($"chargepoint-{n}"), Append($"transaction-{n}"));
            }
            var clock = Stopwatch.StartNew();
            var outcomes = await store.AppendManyAsync(units, cancellationToken);
            var elapsed = clock.Elapsed;
            if (outcomes.Any(o => o is not AppendOutcome.Committed))
            {
                throw new InvalidOperationException($"an ingest-shaped unit did not commit: {outcomes.First(o => o is not AppendOutcome.Committed)}");
            }
            return elapsed;
        }

        private StreamAppend Append(string stream)
        {
            var expected = versions.TryGetValue(stream, out var version) ? ExpectedVersion.Exact(version) : ExpectedVersion.NoStream;
            versions[stream] = version = expected == ExpectedVersion.NoStream ? 0 : version + 1;
            return new StreamAppend(stream, expected, [NewEvent()]);
        }
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

    private static async Task<TimeSpan> CopyBatchAsync(NpgsqlDataSource dataSource, int count, CancellationToken cancellationToken)
    {
        // The same inputs the store gets: JSON text and metadata, plus a hash per row.
        var rows = Enumerable.Range(0, count).Select(_ => NewEvent()).ToArray();
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
                await copy.WriteAsync(Encoding.UTF8.GetString(row.Data.Span), NpgsqlDbType.Json, cancellationToken);
                await copy.WriteAsync(MetadataText(row.Metadata), NpgsqlDbType.Json, cancellationToken);
                await copy.WriteAsync(SHA256.HashData(row.Data.Span), NpgsqlDbType.Bytea, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        return clock.Elapsed;
    }

    private static async Task<Concurrent> ConcurrentSinglesAsync(PostgresEventStore store, TimeSpan duration, CancellationToken cancellationToken)
    {
        var timed = new TimedStore(store);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        await using var appender = new GroupCommitAppender(timed);
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
        var elapsed = clock.Elapsed;
        process.Refresh();
        var events = counts.Sum();
        return new Concurrent(
            events / elapsed.TotalSeconds,
            (double)timed.Units / timed.Commits,
            Stopwatch.GetElapsedTime(0, timed.Ticks).TotalMilliseconds / timed.Commits,
            (process.TotalProcessorTime - cpu).TotalMicroseconds / events);
    }

    /// <summary>Counts the appender's group commits and their latency.</summary>
    private sealed class TimedStore(IEventStore inner) : IEventStore
    {
        private long commits;
        private long units;
        private long ticks;

        public long Commits => Interlocked.Read(ref commits);

        public long Units => Interlocked.Read(ref units);

        public long Ticks => Interlocked.Read(ref ticks);

        public async Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            var outcomes = await inner.AppendManyAsync(units, cancellationToken);
            Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref this.units, units.Count);
            return outcomes;
        }

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => inner.AppendAsync(unit, cancellationToken);
        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) => inner.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);
        public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) => inner.ReadAllAsync(after, maxCount, cancellationToken);
        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForAppendAsync(timeout, cancellationToken);

        public long AppendSignals => inner.AppendSignals;
        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => inner.VerifyStreamAsync(streamId, cancellationToken);
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
