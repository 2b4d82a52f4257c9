using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Projections;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// eng/bench lag [msgPerSecond] [seconds] [chargePoints]: the ingest benchmark's OCPP traffic published at a fixed rate
/// (default 5,000 msg/s for 20 s over 1,000 charge points) through Mosquitto into the real ingest pipeline and every
/// projection of the catalog, all in this process on a fresh database. A sampler reads the projections' checkpoints
/// every few milliseconds; a message is visible in a read model once the checkpoint covers its last event. Reported per
/// projection: lag from publish and from commit (the sampled commit-safe head of the log covers the event) to visible, p50/p99,
/// next to the ingest's own publish → acknowledged latency, so the side that limits shows.
/// </summary>
internal static class LagBenchmark
{
    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    /// <summary>At most this many seconds of warm-up traffic go before the measured part, a second per round (<see cref="JitWarmUp"/>).</summary>
    private const int WarmUpSeconds = 15;

    /// <summary>The sampled series of the log's commit-safe head: when an event became readable, i.e. committed.</summary>
    private const string Committed = "(committed)";

    private static string? Username => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_USERNAME") is { Length: > 0 } user ? user : null;

    private static string? Password => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PASSWORD") is { Length: > 0 } password ? password : null;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var chargePoints = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        await using var database = await TestDatabase.CreateMigratedAsync("bench_lag", cancellationToken);
        // One pool per role, named, as the separate processes would have: the server's work shows per role in pg_stat_activity.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString + ";Application Name=bench-lag-sampler");
        await using var projectorSource = NpgsqlDataSource.Create(database.ConnectionString + ";Application Name=bench-lag-projector");
        await using var store = new PostgresEventStore(projectorSource);
        await using var log = new PostgresEventStore(dataSource);
        var run = Guid.NewGuid().ToString("N")[..8];
        var topics = new OcppTopics { MountPoint = $"bench{run}l/ocpp/" };
        Print($"{rate:N0} msg/s for {seconds} s from {chargePoints:N0} charge points, QoS 1, Mosquitto {TestServices.MqttHost}:{TestServices.MqttPort}; load average {LoadAverage()}");

        await using var host = await IngestHost.StartAsync(new IngestSettings
        {
            PostgresConnectionString = database.ConnectionString + ";Application Name=bench-lag-ingest",
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            MqttUsername = Username,
            MqttPassword = Password,
            ClientId = $"bench-lag-ingest-{run}",
            SharedGroup = $"benchlag{run}",
            SessionExpirySeconds = 60,
            MountPoint = topics.MountPoint,
            NoticePrefix = $"bench{run}l/sys/",
        }, line => Console.Error.WriteLine("  ingest: " + line), cancellationToken);
        await using var publisher = await ConnectAsync($"bench-lag-pub-{run}", cancellationToken);
        var transactionIds = await SetUpAsync(publisher, topics, chargePoints, run, cancellationToken);

        var projections = ProjectionCatalog.CreateDefault().All;
        using var stopProjector = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var projector = new ProjectionHost(store, projectorSource, projections, new ProjectionRunnerOptions { Log = line => Console.Error.WriteLine("  projector: " + line) })
            .RunAsync(stopProjector.Token);
        var setupHead = await log.ReadHeadAsync(cancellationToken);
        await WaitAsync(async () => (await CheckpointsAsync(dataSource, cancellationToken)).Values.All(c => c.CompareTo(setupHead) >= 0) , "projections to catch up with the setup", cancellationToken);

        var traffic = Traffic.Timed(topics, chargePoints, rate * seconds, cp => transactionIds[cp]);
        var ackedAt = new long[traffic.Count];
        var acknowledged = 0;
        var warmUpAcknowledged = 0;
        host.Acknowledged += batch =>
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
                    ackedAt[index] = now;
                    Interlocked.Increment(ref acknowledged);
                }
                else if (Traffic.IsWarmUp(call.UniqueId))
                {
                    Interlocked.Increment(ref warmUpAcknowledged);
                }
            }
        };
        var warmUpSent = 0;
        var warmHead = setupHead;
        Print(await JitWarmUp.RunAsync(JitWarmUp.Rounds(topics, chargePoints, rate, cp => transactionIds[cp]), WarmUpSeconds, async round =>
        {
            warmUpSent += round.Count;
            await PublishPacedAsync(publisher, round, rate, cancellationToken);
            await WaitAsync(() => Task.FromResult(Volatile.Read(ref warmUpAcknowledged) >= warmUpSent), "the warm-up to be acknowledged", cancellationToken);
            warmHead = await log.ReadHeadAsync(cancellationToken);
            await WaitAsync(async () => (await CheckpointsAsync(dataSource, cancellationToken)).Values.All(c => c.CompareTo(warmHead) >= 0), "projections to catch up with the warm-up", cancellationToken);
        }));
        using var stopSampler = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(dataSource, log, projections.Select(p => p.Name).Append(Committed), stopSampler.Token);
        var cpu = await CpuSplit.StartAsync(dataSource, "publisher, ingest, projector", [("ingest", "bench-lag-ingest"), ("projector", "bench-lag-projector"), ("sampler", "bench-lag-sampler")]);
        var publishing = await PublishPacedAsync(publisher, traffic, rate, cancellationToken);
        Print($"published {traffic.Count:N0} msgs in {publishing.TotalSeconds:0.00} s = {traffic.Count / publishing.TotalSeconds:N0} msg/s (asked {rate:N0})");
        await WaitAsync(() => Task.FromResult(Volatile.Read(ref acknowledged) >= traffic.Count), "every message to be acknowledged", cancellationToken);
        var lastAck = ackedAt.Max();
        Print($"ingest acknowledged {traffic.Count:N0} msgs {Seconds(lastAck - traffic.PublishedAt[0]):0.00} s after the first publish = " +
              $"{traffic.Count / Seconds(lastAck - traffic.PublishedAt[0]):N0} msg/s");
        var head = await log.ReadHeadAsync(cancellationToken);
        await WaitAsync(async () => (await CheckpointsAsync(dataSource, cancellationToken)).Values.All(c => c.CompareTo(head) >= 0), "projections to reach the head", cancellationToken);
        Print(cpu.Describe("from the first publish to the last projection"));
        await stopSampler.CancelAsync();
        var samples = await sampler;
        await stopProjector.CancelAsync();
        await projector;

        var lastEvents = await LastEventPerMessageAsync(dataSource, warmHead, traffic, cancellationToken);
        var ingestLatencies = Enumerable.Range(0, traffic.Count).Select(i => ackedAt[i] - traffic.PublishedAt[i]).ToArray();
        Print($"ingest publish → acknowledged (committed, replied): {Quantiles(ingestLatencies)}; load average {LoadAverage()}");
        var worst = 0.0;
        foreach (var projection in projections.Select(p => p.Name))
        {
            var fromPublish = new List<long>();
            var fromCommit = new List<long>();
            for (var i = 0; i < traffic.Count; i++)
            {
                if (lastEvents[i] is not { } last || VisibleAt(samples[projection], last) is not { } visible || VisibleAt(samples[Committed], last) is not { } committed)
                {
                    continue;
                }
                fromPublish.Add(visible - traffic.PublishedAt[i]);
                fromCommit.Add(Math.Max(0, visible - committed));
            }
            var p99 = Quantile(fromCommit.ToArray(), 0.99);
            worst = Math.Max(worst, p99);
            Print($"{projection,-15} from publish {Quantiles([.. fromPublish])}; from commit {Quantiles([.. fromCommit])}; {fromCommit.Count:N0} msgs");
        }
        var ingestP99 = Quantile(ingestLatencies, 0.99);
        Print($"target p99 < 500 ms at 5,000 msg/s: projections {(worst < 500 ? "met" : "NOT met")} (worst p99 from commit {worst:0} ms), " +
              $"ingest p99 {ingestP99:0} ms; over the target: {string.Join(" and ", new[] { ingestP99 >= 500 ? "ingest" : null, worst >= 500 ? "projector" : null }.OfType<string>().DefaultIfEmpty("neither"))}");
        return 0;
    }

    /// <summary>Every charge point, and as many for the warm-up, boots and starts a transaction (not timed); the replies give the transaction ids.</summary>
    private static async Task<Dictionary<int, int>> SetUpAsync(MqttClient publisher, OcppTopics topics, int chargePoints, string run, CancellationToken cancellationToken)
    {
        await using var gateway = await ConnectAsync($"bench-lag-gw-{run}", cancellationToken);
        await gateway.SubscribeAsync(topics.Filter(OcppTopicKind.Downstream), MqttQos.AtLeastOnce, cancellationToken);
        var transactionIds = new ConcurrentDictionary<int, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var collecting = Task.Run(async () =>
        {
            await foreach (var message in gateway.Messages.ReadAllAsync(stop.Token))
            {
                await message.AckAsync(stop.Token);
                using var reply = JsonDocument.Parse(message.Payload);
                var uniqueId = reply.RootElement.GetProperty("UniqueId").GetString()!;
                if (uniqueId.StartsWith("start-", StringComparison.Ordinal))
                {
                    transactionIds[int.Parse(uniqueId.AsSpan(6), CultureInfo.InvariantCulture)] = reply.RootElement.GetProperty("Payload").GetProperty("transactionId").GetInt32();
                }
            }
        }, CancellationToken.None);
        var setup = Traffic.Setup(topics, 2 * chargePoints);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, setup.Count).Select(i => publisher.PublishAsync(setup.Topics[i], setup.Payloads[i], MqttQos.AtLeastOnce, cancellationToken: cancellationToken)));
        await WaitAsync(() => Task.FromResult(transactionIds.Count == 2 * chargePoints), "every StartTransaction to be answered", cancellationToken);
        await stop.CancelAsync();
        try
        {
            await collecting;
        }
        catch (OperationCanceledException)
        {
            // The collector was stopped on purpose.
        }
        Print($"setup: {setup.Count:N0} boots and starts in {clock.Elapsed.TotalSeconds:0.0} s");
        return new Dictionary<int, int>(transactionIds);
    }

    /// <summary>Publishes message i at i / rate seconds after the start (QoS 1, the client keeps its pending window in flight).</summary>
    private static async Task<TimeSpan> PublishPacedAsync(MqttClient publisher, Traffic traffic, int rate, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var publishes = new List<Task>(traffic.Count);
        for (var i = 0; i < traffic.Count;)
        {
            var due = Math.Min(traffic.Count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            if (due <= i)
            {
                await Task.Delay(1, cancellationToken);
                continue;
            }
            for (; i < due; i++)
            {
                traffic.PublishedAt[i] = Stopwatch.GetTimestamp();
                publishes.Add(publisher.PublishAsync(traffic.Topics[i], traffic.Payloads[i], MqttQos.AtLeastOnce, cancellationToken: cancellationToken));
            }
        }
        await Task.WhenAll(publishes);
        return clock.Elapsed;
    }

    /// <summary>Each projection's live checkpoint and the log's commit-safe head over time, read every few milliseconds until cancelled.</summary>
    private static async Task<Dictionary<string, List<(long At, Checkpoint Checkpoint)>>> SampleAsync(
        NpgsqlDataSource dataSource, PostgresEventStore log, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var samples = names.ToDictionary(n => n, _ => new List<(long, Checkpoint)>(), StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var checkpoints = await CheckpointsAsync(dataSource, cancellationToken);
                checkpoints[Committed] = await log.ReadHeadAsync(cancellationToken);
                var now = Stopwatch.GetTimestamp();
                foreach (var (name, checkpoint) in checkpoints)
                {
                    samples.GetValueOrDefault(name)?.Add((now, checkpoint));
                }
                await Task.Delay(SamplePeriod, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
        return samples;
    }

    private static async Task<Dictionary<string, Checkpoint>> CheckpointsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT projection, transaction_id, position FROM projection_checkpoints WHERE target = 'live'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new Dictionary<string, Checkpoint>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints[reader.GetString(0)] = new Checkpoint((ulong)reader.GetInt64(1), reader.GetInt64(2));
        }
        return checkpoints;
    }

    /// <summary>The last event (commit order) of each timed message "m{index}": the message is visible once a checkpoint covers it.</summary>
    private static async Task<Checkpoint?[]> LastEventPerMessageAsync(NpgsqlDataSource dataSource, Checkpoint after, Traffic traffic, CancellationToken cancellationToken)
    {
        var last = new Checkpoint?[traffic.Count];
        await using var command = dataSource.CreateCommand("""
            SELECT metadata->>'ocppMessageId', transaction_id::text::bigint, position FROM events
            WHERE (transaction_id, position) > ($1::text::xid8, $2) AND metadata->>'ocppMessageId' LIKE 'm%'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = after.TransactionId.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = after.Position });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (traffic.IndexOf(reader.GetString(0)) is { } index)
            {
                var checkpoint = new Checkpoint((ulong)reader.GetInt64(1), reader.GetInt64(2));
                if (last[index] is not { } seen || checkpoint.CompareTo(seen) > 0)
                {
                    last[index] = checkpoint;
                }
            }
        }
        return last;
    }

    /// <summary>The first sample whose checkpoint covers <paramref name="event"/> (samples are in time order, checkpoints only grow).</summary>
    private static long? VisibleAt(List<(long At, Checkpoint Checkpoint)> samples, Checkpoint @event)
    {
        int low = 0, high = samples.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (samples[middle].Checkpoint.CompareTo(@event) >= 0)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low < samples.Count ? samples[low].At : null;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"gave up waiting for {what} after {Deadline.TotalMinutes:0} min");
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<MqttClient> ConnectAsync(string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = TestServices.MqttHost, Port = TestServices.MqttPort, Username = Username, Password = Password is null ? null : Encoding.UTF8.GetBytes(Password),
            ClientId = clientId, CleanStart = true, SessionExpiryIntervalSeconds = 0,
        });
        await client.StartAsync(cancellationToken);
        return client;
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static double Quantile(long[] ticks, double quantile)
    {
        if (ticks.Length == 0)
        {
            return double.NaN;
        }
        var sorted = ticks.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1000.0 / Stopwatch.Frequency;
    }

    private static string Quantiles(long[] ticks) => $"p50 {Quantile(ticks, 0.5):0} ms, p99 {Quantile(ticks, 0.99):0} ms";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Print(string line) => Console.WriteLine("lag: " + line);
}
