using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// eng/bench ingest [messages] [chargePoints] [maxBatchSize] [instances]: realistic OCPP traffic (each charge point booted with a running
/// transaction, then ~90 % MeterValues, Heartbeats, StatusNotifications, Authorizes, and a StopTransaction per charge
/// point at the end) published at QoS 1 through Mosquitto, measured from publish to acknowledged, twice in one run:
/// (1) the broker baseline: a subscriber that acknowledges each message on receipt; (2) the in-process ingest pipeline:
/// decoded, decided, committed to PostgreSQL, replied (QoS 1, PUBACKed) and only then acknowledged. With more than one
/// instance, the pipelines share one MQTT shared subscription, so a charge point's messages reach them in turn.
/// </summary>
internal static class IngestBenchmark
{
    private static string? Username => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_USERNAME") is { Length: > 0 } user ? user : null;

    private static byte[]? Password => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PASSWORD") is { Length: > 0 } password ? Encoding.UTF8.GetBytes(password) : null;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var chargePoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        await using var database = await TestDatabase.CreateMigratedAsync("bench_ingest", cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"{messages:N0} messages from {chargePoints:N0} charge points, QoS 1, Mosquitto {TestServices.MqttHost}:{TestServices.MqttPort}");

        var baselineTopics = new OcppTopics { MountPoint = $"bench{run}b/ocpp/" };
        var baselineTraffic = Traffic.Timed(baselineTopics, chargePoints, messages, _ => 1);
        var baseline = await MeasureBaselineAsync(baselineTopics, baselineTraffic, JitWarmUp.Rounds(baselineTopics, chargePoints, WarmUpRound, _ => 1), dataSource, run, cancellationToken);
        Report("broker only (subscriber acks on receipt)", baseline);

        var topics = new OcppTopics { MountPoint = $"bench{run}i/ocpp/" };
        var settings = new IngestSettings
        {
            PostgresConnectionString = database.ConnectionString,
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = Username,
            MqttPassword = Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PASSWORD"),
            ClientId = $"bench-ingest-{run}",
            SharedGroup = $"bench{run}",
            SessionExpirySeconds = 60,
            MountPoint = topics.MountPoint,
            NoticePrefix = $"bench{run}i/sys/",
            ParallelStorePreparation = Environment.GetEnvironmentVariable("CHARGELEDGER_INGEST_PARALLEL_STORE_PREPARATION") == "true",
        };
        if (args.Length > 2)
        {
            settings = settings with { MaxBatchSize = int.Parse(args[2], CultureInfo.InvariantCulture) };
        }

        var instances = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        Console.WriteLine($"ingest batches of up to {settings.MaxBatchSize:N0} messages, store preparation {(settings.ParallelStorePreparation ? "parallel" : "sequential")}, {instances} instance(s) sharing the subscription");
        var ingest = await MeasureIngestAsync(settings, instances, topics, chargePoints, messages, run, dataSource, database.ConnectionString, cancellationToken);
        Report("ingest (decide + commit + reply PUBACKed + ack)", ingest);
        Console.WriteLine($"ratio ingest/baseline: {ingest.Rate / baseline.Rate:0.00} (target ≥ 0.7); target {TargetRate:N0} msg/s");
        Console.WriteLine(CpuBudget(baseline, ingest));
        return 0;
    }

    /// <summary>Warm-up rounds (<see cref="JitWarmUp"/>) of this many messages, at most <see cref="WarmUpRounds"/> of them.</summary>
    private const int WarmUpRound = 5_000;

    private const int WarmUpRounds = 30;

    /// <summary>The issue's target: the peak of the operator in the seeds.</summary>
    private const int TargetRate = 30_000;

    private static async Task<Result> MeasureBaselineAsync(OcppTopics topics, Traffic traffic, Func<int, Traffic> warmUp, NpgsqlDataSource dataSource, string run, CancellationToken cancellationToken)
    {
        await using var subscriber = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, Username = Username, Password = Password, ClientId = $"bench-base-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0, ReceiveMaximum = ushort.MaxValue });
        await subscriber.StartAsync(cancellationToken);
        await subscriber.SubscribeAsync([MqttSubscription.Shared($"base{run}", topics.Filter(OcppTopicKind.Upstream))], cancellationToken);
        var latencies = new ConcurrentBag<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (warmUpCount, count) = (0, 0);
        var reading = Task.Run(
            async () =>
            {
                await foreach (var message in subscriber.Messages.ReadAllAsync(cancellationToken))
                {
                    await message.AckAsync(cancellationToken);
                    if (traffic.IndexOf(message.Payload.Span) is { } index)
                    {
                        latencies.Add(Stopwatch.GetTimestamp() - traffic.PublishedAt[index]);
                        if (++count == traffic.Count)
                        {
                            done.TrySetResult();
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref warmUpCount);
                    }
                }
            },
            cancellationToken);
        Console.WriteLine("broker only " + await WarmUpAsync(warmUp, () => Volatile.Read(ref warmUpCount), run, cancellationToken));
        var cpu = await CpuSplit.StartAsync(dataSource, "publisher, subscriber", []);
        var elapsed = await PublishAsync(traffic, done.Task, run, cancellationToken);
        Console.WriteLine(cpu.Describe("of the broker baseline's measured part", traffic.Count));
        return new Result(traffic.Count, elapsed, latencies.ToArray(), cpu.Read().Parts);
    }

    private static async Task<Result> MeasureIngestAsync(
        IngestSettings settings, int instances, OcppTopics topics, int chargePoints, int messages, string run, NpgsqlDataSource dataSource, string connectionString, CancellationToken cancellationToken)
    {
        var hosts = new List<IngestHost>();
        try
        {
            for (var i = 0; i < instances; i++)
            {
                var label = i == 0 ? "ingest" : $"ingest {i + 1}";
                var instance = settings with { ClientId = i == 0 ? settings.ClientId : $"{settings.ClientId}-{i + 1}" };
                hosts.Add(await IngestHost.StartAsync(instance, line => Console.Error.WriteLine($"  {label}: " + line), cancellationToken));
            }

            return await MeasureIngestAsync(hosts, settings, topics, chargePoints, messages, run, dataSource, connectionString, cancellationToken);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<Result> MeasureIngestAsync(
        List<IngestHost> hosts, IngestSettings settings, OcppTopics topics, int chargePoints, int messages, string run, NpgsqlDataSource dataSource, string connectionString, CancellationToken cancellationToken)
    {
        // Setup (not timed): every charge point boots and starts a transaction; the replies give the transaction ids.
        await using var gateway = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, Username = Username, Password = Password, ClientId = $"bench-gw-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0 });
        await gateway.StartAsync(cancellationToken);
        await gateway.SubscribeAsync(topics.Filter(OcppTopicKind.Downstream), MqttQos.AtLeastOnce, cancellationToken);
        var transactionIds = new ConcurrentDictionary<int, int>();
        var collecting = Task.Run(
            async () =>
            {
                await foreach (var message in gateway.Messages.ReadAllAsync(cancellationToken))
                {
                    await message.AckAsync(cancellationToken);
                    using var reply = JsonDocument.Parse(message.Payload);
                    var uniqueId = reply.RootElement.GetProperty("UniqueId").GetString()!;
                    if (uniqueId.StartsWith("start-", StringComparison.Ordinal))
                    {
                        transactionIds[int.Parse(uniqueId.AsSpan(6), CultureInfo.InvariantCulture)] = reply.RootElement.GetProperty("Payload").GetProperty("transactionId").GetInt32();
                    }
                }
            },
            cancellationToken);
        // The charge points after the measured ones are the warm-up's.
        var setup = Traffic.Setup(topics, 2 * chargePoints);
        var setupClock = Stopwatch.StartNew();
        await PublishAsync(setup, WaitUntilAsync(() => transactionIds.Count == setup.Count / 2, cancellationToken), run + "s", cancellationToken);
        Console.WriteLine($"setup: {setup.Count:N0} boots and starts in {setupClock.Elapsed.TotalSeconds:0.0} s");

        var traffic = Traffic.Timed(topics, chargePoints, messages, cp => transactionIds[cp]);
        MeasureDecode(settings, topics, traffic);
        var latencies = new ConcurrentBag<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (warmUpAcknowledged, acknowledged) = (0, 0);
        void Count(IReadOnlyList<Delivery> batch)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var delivery in batch)
            {
                if (delivery.Message is not InboundMessage.Call call)
                {
                    continue;
                }
                if (traffic.IndexOf(call.UniqueId) is { } index)
                {
                    latencies.Add(now - traffic.PublishedAt[index]);
                    if (Interlocked.Increment(ref acknowledged) == traffic.Count)
                    {
                        done.TrySetResult();
                    }
                }
                else if (Traffic.IsWarmUp(call.UniqueId))
                {
                    Interlocked.Increment(ref warmUpAcknowledged);
                }
            }
        }

        foreach (var host in hosts)
        {
            host.Acknowledged += Count;
        }

        Console.WriteLine("ingest " + await WarmUpAsync(JitWarmUp.Rounds(topics, chargePoints, WarmUpRound, cp => transactionIds[cp]), () => Volatile.Read(ref warmUpAcknowledged), run, cancellationToken));
        var firstPosition = await LastPositionAsync(connectionString, cancellationToken);
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var split = await CpuSplit.StartAsync(dataSource, "publisher, ingest, reply subscriber", []);
        var (collections, paused) = (Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray(), GC.GetTotalPauseDuration());
        TimeSpan Stage(StageTimes.Stage stage) => hosts.Aggregate(TimeSpan.Zero, (sum, host) => sum + host.Pipeline.Stages[stage]);
        long Redecided() => hosts.Sum(host => host.Pipeline.Redecided);
        long EventsLoaded() => hosts.Sum(host => host.Pipeline.EventsLoaded);
        var before = Enum.GetValues<StageTimes.Stage>().Select(Stage).ToArray();
        var (redecided, loaded) = (Redecided(), EventsLoaded());
        using var jitTrace = JitTrace.FromEnvironment();
        jitTrace?.Recording = true;
        var elapsed = await PublishAsync(traffic, done.Task, run + "t", cancellationToken);
        var parts = split.Read().Parts;
        jitTrace?.Recording = false;
        if (jitTrace is not null)
        {
            Console.WriteLine(jitTrace.Describe());
        }
        Console.WriteLine(split.Describe("of the ingest's measured part", traffic.Count));
        Console.WriteLine($"ingest process: JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalSeconds:0.00} s, GC pauses {(GC.GetTotalPauseDuration() - paused).TotalSeconds:0.00} s in {string.Join(" / ", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]))} collections of generation 0 / 1 / 2; cached streams {hosts.Sum(h => h.Pipeline.CachedStreams):N0}; groups decided again after another writer or a stale state {Redecided() - redecided:N0}, events read to load streams {EventsLoaded() - loaded:N0}");
        Console.WriteLine("stages (wall time summed over the instances, µs per message): " + string.Join(", ", Enum.GetValues<StageTimes.Stage>().Select(s =>
            $"{s.ToString().ToLowerInvariant()} {(Stage(s) - before[(int)s]).TotalMicroseconds / traffic.Count:0.0}")));
        await ReportCommitShapeAsync(connectionString, firstPosition, traffic.Count, cancellationToken);
        await MeasureCommitShapesAsync(connectionString, firstPosition, traffic, run, cancellationToken);
        return new Result(traffic.Count, elapsed, latencies.ToArray(), parts);
    }

    /// <summary>Decode CPU alone (parse, validation, typed read, mapping, message identity), single-threaded, after a warm-up pass.</summary>
    private static void MeasureDecode(IngestSettings settings, OcppTopics topics, Traffic traffic)
    {
        var decoder = new FrameDecoder(topics, settings.NoticePrefix);
        var now = SystemClock.Instance.GetCurrentInstant();
        var best = double.MaxValue;
        for (var pass = 0; pass < 3; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < traffic.Count; i++)
            {
                _ = Delivery.Decode(decoder, traffic.Topics[i], traffic.Payloads[i], now);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMicroseconds / traffic.Count);
        }

        double PerMessage(Action<int> step)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < traffic.Count; i++)
            {
                step(i);
            }

            return Stopwatch.GetElapsedTime(started).TotalMicroseconds / traffic.Count;
        }

        var frames = traffic.Payloads.Select(p => (OcppCall)OcppMqttCodec.Parse(p).Frame!).ToArray();
        var parse = PerMessage(i => OcppMqttCodec.Parse(traffic.Payloads[i]));
        var viaString = PerMessage(i => OcppMqttCodec.Parse(Encoding.UTF8.GetString(traffic.Payloads[i])));
        var validate = PerMessage(i => OcppSchemaValidator.Default.ValidateRequest(frames[i].Action, frames[i].Payload, frames[i].UniqueId));
        var identity = PerMessage(i => MessageIdentity.Of(traffic.Topics[i], traffic.Payloads[i]));
        var read = PerMessage(i => OcppMessages.ReadRequest(frames[i]));
        var topic = PerMessage(i => topics.TryMatch(traffic.Topics[i], out _, out _));
        var again = PerMessage(i => Delivery.Decode(decoder, traffic.Topics[i], traffic.Payloads[i], now));
        Console.WriteLine($"decode alone (one thread, best of 3 passes): {best:0.0} µs per message ({again:0.0} once more), of which frame parse {parse:0.0} (via a string first: {viaString:0.0}), schema validation {validate:0.0}, typed read {read:0.0}, topic {topic:0.0}, identity {identity:0.0}");
    }

    private static async Task<long> LastPositionAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT coalesce(max(position), 0) FROM events", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>What the timed traffic appended: the shape the store's own benchmark should be compared with.</summary>
    private static async Task ReportCommitShapeAsync(string connectionString, long afterPosition, int messages, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*), count(DISTINCT stream_id), count(DISTINCT transaction_id),
                   coalesce(avg(octet_length(data::text)), 0)::float8, coalesce(avg(octet_length(metadata::text)), 0)::float8
            FROM events WHERE position > $1
            """,
            connection);
        command.Parameters.AddWithValue(afterPosition);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var events = reader.GetInt64(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"appended: {events:N0} events ({(double)events / messages:0.00} per message) in {reader.GetInt64(1):N0} streams, {reader.GetInt64(2):N0} commits; data {reader.GetDouble(3):0} B, metadata {reader.GetDouble(4):0} B per event"));
    }

    /// <summary>
    /// Why the ingest's append costs more per event than the store benchmark's shape: the same store, 2,000 events in
    /// 1,000 units per commit, with the ingest's real event data and metadata, then without the raw payload, then with
    /// ~300 B events, then with the ingest's events on half as many streams.
    /// </summary>
    private static async Task MeasureCommitShapesAsync(string connectionString, long afterPosition, Traffic traffic, string run, CancellationToken cancellationToken)
    {
        var data = new List<(string Type, byte[] Data)>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT type, data::text FROM events WHERE position > $1 ORDER BY position LIMIT 2000", connection);
            command.Parameters.AddWithValue(afterPosition);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                data.Add((reader.GetString(0), Encoding.UTF8.GetBytes(reader.GetString(1))));
            }
        }

        var small = Encoding.UTF8.GetBytes($$"""{"chargePointId":"cp-1","connectorId":1,"note":"{{new string('x', 220)}}"}""");
        var now = SystemClock.Instance.GetCurrentInstant();
        EventMetadata Metadata(int i, bool raw) => new(Guid.NewGuid(), Guid.NewGuid(), "mqtt", traffic.Topics[i], "cp-1", $"m{i}", now, now, raw ? Encoding.UTF8.GetString(traffic.Payloads[i]) : null);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var store = new PostgresEventStore(dataSource);
        (string Name, int StreamsPerUnit, Func<int, (string, byte[])> Event, Func<int, EventMetadata> Meta)[] cases =
        [
            ("ingest events (data + metadata with raw payload), 2,000 streams", 2, i => data[i % data.Count], i => Metadata(i, true)),
            ("same, metadata without raw payload", 2, i => data[i % data.Count], i => Metadata(i, false)),
            ("~300 B data, metadata without raw payload", 2, _ => ("HeartbeatReceived", small), i => Metadata(i, false)),
            ("ingest events, 1,000 streams (2 events per stream)", 1, i => data[i % data.Count], i => Metadata(i, true)),
        ];
        foreach (var (name, streamsPerUnit, @event, meta) in cases)
        {
            var prefix = $"shape{run}-{Guid.NewGuid():N}"[..24];
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            var times = new List<double>();
            for (var commit = 0; commit < 4; commit++)
            {
                var units = Enumerable.Range(0, 1_000).Select(u => new AppendUnit(Enumerable.Range(0, streamsPerUnit).Select(k =>
                {
                    var stream = $"{prefix}-{u}-{k}";
                    var events = Enumerable.Range(0, 2 / streamsPerUnit).Select(e =>
                    {
                        var index = (commit * 2_000) + (u * 2) + k + e;
                        var (type, json) = @event(index);
                        return new EventData(Guid.NewGuid(), type, json, meta(index % traffic.Count));
                    }).ToList();
                    var expected = versions.TryGetValue(stream, out var v) ? ExpectedVersion.Exact(v) : ExpectedVersion.NoStream;
                    versions[stream] = (v = versions.GetValueOrDefault(stream, -1) + events.Count);
                    return new StreamAppend(stream, expected, events);
                }).ToList())).ToList();
                var started = Stopwatch.GetTimestamp();
                var outcomes = await store.AppendManyAsync(units, cancellationToken);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outcomes.Any(o => o is not AppendOutcome.Committed))
                {
                    throw new InvalidOperationException($"{name}: a unit was not committed ({outcomes.First(o => o is not AppendOutcome.Committed)})");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  commit of 2,000 events / 1,000 units, {name}: {times.Skip(1).Average():0} ms (median of last 3: {times.Skip(1).Order().ElementAt(1):0} ms)"));
        }
    }

    /// <summary>Publishes every message (the client keeps up to its pending limit in flight) and returns the time until <paramref name="done"/>.</summary>
    private static async Task<TimeSpan> PublishAsync(Traffic traffic, Task done, string run, CancellationToken cancellationToken)
    {
        await using var publisher = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, Username = Username, Password = Password, ClientId = $"bench-pub-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0 });
        await publisher.StartAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var publishes = new List<Task>(traffic.Count);
        for (var i = 0; i < traffic.Count; i++)
        {
            traffic.PublishedAt[i] = Stopwatch.GetTimestamp();
            publishes.Add(publisher.PublishAsync(traffic.Topics[i], traffic.Payloads[i], MqttQos.AtLeastOnce, cancellationToken: cancellationToken));
        }

        await Task.WhenAll(publishes);
        await done.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        return clock.Elapsed;
    }

    /// <summary>Publishes warm-up rounds, each waited for until <paramref name="processed"/> counts it.</summary>
    private static async Task<string> WarmUpAsync(Func<int, Traffic> rounds, Func<int> processed, string run, CancellationToken cancellationToken)
    {
        var sent = 0;
        return await JitWarmUp.RunAsync(rounds, WarmUpRounds, async round =>
        {
            sent += round.Count;
            await PublishAsync(round, WaitUntilAsync(() => processed() >= sent, cancellationToken), run + "w", cancellationToken);
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static void Report(string name, Result result)
    {
        Array.Sort(result.Latencies);
        double Ms(double quantile) => result.Latencies.Length == 0 ? double.NaN
            : result.Latencies[Math.Min(result.Latencies.Length - 1, (int)(quantile * result.Latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"{name}: {result.Count:N0} msgs in {result.Elapsed.TotalSeconds:0.00} s = {result.Rate:N0} msg/s; latency p50 {Ms(0.5):0.0} ms, p99 {Ms(0.99):0.0} ms");
    }

    /// <summary>
    /// What 0.7 of the baseline would allow: on this machine's cores every part of the path shares one budget of CPU per
    /// message. Against it: what the ingest run spent, and what it spent outside the ingest pipeline (PostgreSQL, the
    /// broker, and a publisher and a subscriber, costed as in the baseline), which no ingest code can lower.
    /// </summary>
    private static string CpuBudget(Result baseline, Result ingest)
    {
        var rate = 0.7 * baseline.Rate;
        var budget = Environment.ProcessorCount * 1e6 / rate;
        static double PerMessage(Result result, Func<string, bool> part) =>
            result.Cpu.Where(p => part(p.Name)).Sum(p => p.Cpu.TotalMicroseconds) / result.Count;
        static bool Own(string part) => part == CpuSplit.Own;
        var spent = PerMessage(ingest, _ => true);
        var outside = PerMessage(ingest, part => !Own(part)) + PerMessage(baseline, Own);
        var broker = PerMessage(ingest, part => part == CpuSplit.Broker);
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU budget at 0.7 of the baseline ({rate:N0} msg/s on {Environment.ProcessorCount} cores): {budget:0} µs per message. The ingest run spent {spent:0} ({spent / budget:0.0}×): ") +
            string.Join(", ", ingest.Cpu.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Cpu.TotalMicroseconds / ingest.Count:0}"))) +
            string.Create(CultureInfo.InvariantCulture,
                $". Outside the ingest pipeline (PostgreSQL, Mosquitto, and the baseline's publisher and subscriber, {PerMessage(baseline, Own):0}): {outside:0} ({outside / budget:0.0}× the budget). ") +
            string.Create(CultureInfo.InvariantCulture,
                $"Mosquitto {broker:0} against {PerMessage(baseline, part => part == CpuSplit.Broker):0} in the baseline: the replies and their acknowledgements pass through it too. ") +
            $"At {TargetRate:N0} msg/s these costs would take " +
            string.Join(", ", ingest.Cpu.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {TargetRate * p.Cpu.TotalMicroseconds / ingest.Count / 1e6:0.0} cores"))) +
            string.Create(CultureInfo.InvariantCulture, $"; Mosquitto runs on one thread, so at its cost here one broker carries at most {1e6 / broker:N0} msg/s of this traffic.");
    }

    private sealed record Result(int Count, TimeSpan Elapsed, long[] Latencies, IReadOnlyList<(string Name, TimeSpan Cpu)> Cpu)
    {
        public double Rate => Count / Elapsed.TotalSeconds;
    }
}
