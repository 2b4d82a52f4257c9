using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// The pipeline's own CPU per message, without the database and the broker: the same traffic decoded and run through
/// <see cref="IngestPipeline"/> on one thread against a store that accepts every unit at once (nothing written), so
/// load, decide and serialise are measured alone and can be compared between builds.
/// </summary>
internal static class IngestCpuProfile
{
    /// <summary>eng/bench ingest-cpu [messages] [chargePoints] [maxBatchSize]: this profile alone, six times (the first ones warm the JIT up).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var chargePoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        await using var database = await TestDatabase.CreateMigratedAsync("bench_ingest_cpu", cancellationToken);
        var settings = new IngestSettings { PostgresConnectionString = database.ConnectionString };
        if (args.Length > 2)
        {
            settings = settings with { MaxBatchSize = int.Parse(args[2], CultureInfo.InvariantCulture) };
        }

        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        using var sampler = Environment.GetEnvironmentVariable("CHARGELEDGER_BENCH_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        for (var pass = 0; pass < 6; pass++)
        {
            sampler?.Clear();
            await RunAsync(settings, new OcppTopics { MountPoint = $"benchcpu{pass}/ocpp/" }, chargePoints, messages, new AcceptingStore(), dataSource, "store accepts at once", cancellationToken);
        }

        foreach (var (type, bytes) in sampler?.Top(40) ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocated (sampled) {bytes / messages,8:N0} B/message  {type}"));
        }

        for (var pass = 0; pass < 3; pass++)
        {
            // A fresh database each time: the charge point ids repeat.
            await using var fresh = await TestDatabase.CreateMigratedAsync("bench_ingest_cpu", cancellationToken);
            await using var freshSource = NpgsqlDataSource.Create(fresh.ConnectionString);
            await using var store = new PostgresEventStore(freshSource, parallelPreparation: pass % 2 == 1);
            await RunAsync(settings, new OcppTopics { MountPoint = $"benchdb{pass}/ocpp/" }, chargePoints, messages, store, freshSource, pass % 2 == 1 ? "PostgreSQL store, parallel preparation" : "PostgreSQL store, sequential preparation", cancellationToken);
        }

        return 0;
    }

    public static async Task RunAsync(IngestSettings settings, OcppTopics topics, int chargePoints, int messages, IEventStore store, NpgsqlDataSource dataSource, string name, CancellationToken cancellationToken)
    {
        var pipeline = new IngestPipeline(store, new TransactionIdAllocator(dataSource), new MessageDecider(settings.ChargePointPolicy, settings.TransactionPolicy), settings.StateCacheSize, _ => { },
            store is AcceptingStore ? null : new SnapshotStore(dataSource, settings.SnapshotEvery), store is AcceptingStore ? null : new StreamHeads(dataSource));
        var decoder = new FrameDecoder(topics, settings.NoticePrefix);
        var now = SystemClock.Instance.GetCurrentInstant();
        var setup = Traffic.Setup(topics, chargePoints);
        var setupDeliveries = Enumerable.Range(0, setup.Count).Select(i => Delivery.Decode(decoder, setup.Topics[i], setup.Payloads[i], now)).ToList();
        await pipeline.ProcessAsync(setupDeliveries, cancellationToken);
        var transactionIds = new Dictionary<int, int>();
        foreach (var delivery in setupDeliveries.Where(d => d.Message is InboundMessage.Call { UniqueId: var id } && id.StartsWith("start-", StringComparison.Ordinal)))
        {
            using var reply = JsonDocument.Parse(delivery.Reply);
            transactionIds[int.Parse(((InboundMessage.Call)delivery.Message).UniqueId.AsSpan(6), CultureInfo.InvariantCulture)] = reply.RootElement.GetProperty("Payload").GetProperty("transactionId").GetInt32();
        }

        var traffic = Traffic.Timed(topics, chargePoints, messages, cp => transactionIds[cp]);
        var before = Enum.GetValues<StageTimes.Stage>().Select(s => pipeline.Stages[s]).ToArray();
        var started = Stopwatch.GetTimestamp();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var decodeTime = TimeSpan.Zero;
        for (var offset = 0; offset < traffic.Count; offset += settings.MaxBatchSize)
        {
            var decoding = Stopwatch.GetTimestamp();
            var batch = Enumerable.Range(offset, Math.Min(settings.MaxBatchSize, traffic.Count - offset))
                .Select(i => Delivery.Decode(decoder, traffic.Topics[i], traffic.Payloads[i], now)).ToList();
            decodeTime += Stopwatch.GetElapsedTime(decoding);
            await pipeline.ProcessAsync(batch, cancellationToken);
        }

        var total = Stopwatch.GetElapsedTime(started).TotalMicroseconds / traffic.Count;
        var process = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / traffic.Count;
        var bytes = (GC.GetTotalAllocatedBytes() - allocated) / traffic.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline on one thread, {name}: {total:0.0} µs per message (process CPU {process:0.0}, {bytes:N0} B allocated): decode {decodeTime.TotalMicroseconds / traffic.Count:0.0}, ")
            + string.Join(", ", Enum.GetValues<StageTimes.Stage>().Where(s => s is not (StageTimes.Stage.Decode or StageTimes.Stage.Reply)).Select(s =>
                string.Create(CultureInfo.InvariantCulture, $"{s.ToString().ToLowerInvariant()} {(pipeline.Stages[s] - before[(int)s]).TotalMicroseconds / traffic.Count:0.0}"))));
    }

    /// <summary>Commits every unit at the versions it expects; reads find nothing (every state comes from the pipeline's cache).</summary>
    private sealed class AcceptingStore : IEventStore
    {
        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) =>
            Task.FromResult(Results(unit));

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AppendOutcome>>(units.Select(u => (AppendOutcome)new AppendOutcome.Committed(Results(u))).ToList());

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RecordedEvent>>([]);

        public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => throw new NotSupportedException();

        private static IReadOnlyList<StreamAppendResult> Results(AppendUnit unit) => unit.Streams.Select(s =>
        {
            var first = s.Expected.Value + 1;
            return new StreamAppendResult(s.StreamId, first, first + s.Events.Count - 1, 0, 0, false);
        }).ToList();
    }
}
