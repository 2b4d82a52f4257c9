using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChargeLedger.Ingest.Hosting;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;
using NodaTime;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// eng/bench ingest [messages] [chargePoints]: realistic OCPP traffic (each charge point booted with a running
/// transaction, then ~90 % MeterValues, Heartbeats, StatusNotifications, Authorizes, and a StopTransaction per charge
/// point at the end) published at QoS 1 through Mosquitto, measured from publish to acknowledged, twice in one run:
/// (1) the broker baseline: a subscriber that acknowledges each message on receipt; (2) the in-process ingest pipeline:
/// decoded, decided, committed to PostgreSQL, replied (QoS 1, PUBACKed) and only then acknowledged.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var chargePoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        await using var database = await TestDatabase.CreateMigratedAsync("bench_ingest", cancellationToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"{messages:N0} messages from {chargePoints:N0} charge points, QoS 1, Mosquitto {TestServices.MqttHost}:{TestServices.MqttPort}");

        var baselineTopics = new OcppTopics { MountPoint = $"bench{run}b/ocpp/" };
        var baselineTraffic = Traffic.Timed(baselineTopics, chargePoints, messages, _ => 1);
        var baseline = await MeasureBaselineAsync(baselineTopics, baselineTraffic, run, cancellationToken);
        Report("broker only (subscriber acks on receipt)", baseline);

        var topics = new OcppTopics { MountPoint = $"bench{run}i/ocpp/" };
        var settings = new IngestSettings
        {
            PostgresConnectionString = database.ConnectionString,
            MqttHost = TestServices.MqttHost,
            MqttPort = TestServices.MqttPort,
            ClientId = $"bench-ingest-{run}",
            SharedGroup = $"bench{run}",
            SessionExpirySeconds = 60,
            MountPoint = topics.MountPoint,
            NoticePrefix = $"bench{run}i/sys/",
        };
        var ingest = await MeasureIngestAsync(settings, topics, chargePoints, messages, run, cancellationToken);
        Report("ingest (decide + commit + reply PUBACKed + ack)", ingest);
        Console.WriteLine($"ratio ingest/baseline: {ingest.Rate / baseline.Rate:0.00} (target ≥ 0.7); target 30,000 msg/s");
        return 0;
    }

    private static async Task<Result> MeasureBaselineAsync(OcppTopics topics, Traffic traffic, string run, CancellationToken cancellationToken)
    {
        await using var subscriber = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, ClientId = $"bench-base-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0, ReceiveMaximum = ushort.MaxValue });
        await subscriber.StartAsync(cancellationToken);
        await subscriber.SubscribeAsync([MqttSubscription.Shared($"base{run}", topics.Filter(OcppTopicKind.Upstream))], cancellationToken);
        var latencies = new ConcurrentBag<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var reading = Task.Run(
            async () =>
            {
                await foreach (var message in subscriber.Messages.ReadAllAsync(cancellationToken))
                {
                    await message.AckAsync(cancellationToken);
                    if (traffic.IndexOf(message.Payload.Span) is { } index)
                    {
                        latencies.Add(Stopwatch.GetTimestamp() - traffic.PublishedAt[index]);
                    }

                    if (++count == traffic.Count)
                    {
                        done.TrySetResult();
                    }
                }
            },
            cancellationToken);
        var elapsed = await PublishAsync(traffic, done.Task, run, cancellationToken);
        return new Result(traffic.Count, elapsed, latencies.ToArray());
    }

    private static async Task<Result> MeasureIngestAsync(IngestSettings settings, OcppTopics topics, int chargePoints, int messages, string run, CancellationToken cancellationToken)
    {
        await using var host = await IngestHost.StartAsync(settings, line => Console.Error.WriteLine("  ingest: " + line), cancellationToken);

        // Setup (not timed): every charge point boots and starts a transaction; the replies give the transaction ids.
        await using var gateway = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, ClientId = $"bench-gw-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0 });
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
        var setup = Traffic.Setup(topics, chargePoints);
        var setupClock = Stopwatch.StartNew();
        await PublishAsync(setup, WaitUntilAsync(() => transactionIds.Count == chargePoints, cancellationToken), run + "s", cancellationToken);
        Console.WriteLine($"setup: {setup.Count:N0} boots and starts in {setupClock.Elapsed.TotalSeconds:0.0} s");

        var traffic = Traffic.Timed(topics, chargePoints, messages, cp => transactionIds[cp]);
        var latencies = new ConcurrentBag<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledged = 0;
        host.Acknowledged += batch =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var delivery in batch)
            {
                if (delivery.Message is InboundMessage.Call call && Traffic.IndexOf(call.UniqueId) is { } index)
                {
                    latencies.Add(now - traffic.PublishedAt[index]);
                    if (Interlocked.Increment(ref acknowledged) == traffic.Count)
                    {
                        done.TrySetResult();
                    }
                }
            }
        };
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = await PublishAsync(traffic, done.Task, run + "t", cancellationToken);
        Console.WriteLine($"ingest process CPU (pipeline + publisher): {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s; cached streams {host.Pipeline.CachedStreams:N0}");
        return new Result(traffic.Count, elapsed, latencies.ToArray());
    }

    /// <summary>Publishes every message (the client keeps up to its pending limit in flight) and returns the time until <paramref name="done"/>.</summary>
    private static async Task<TimeSpan> PublishAsync(Traffic traffic, Task done, string run, CancellationToken cancellationToken)
    {
        await using var publisher = new MqttClient(new MqttClientOptions { Host = TestServices.MqttHost, Port = TestServices.MqttPort, ClientId = $"bench-pub-{run}", CleanStart = true, SessionExpiryIntervalSeconds = 0 });
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

    private sealed record Result(int Count, TimeSpan Elapsed, long[] Latencies)
    {
        public double Rate => Count / Elapsed.TotalSeconds;
    }

    /// <summary>Pre-built messages (topic, EMQX JSON) with UniqueIds "m{index}" so acknowledgements map back to publish times.</summary>
    private sealed class Traffic
    {
        private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"UniqueId\":\"m");

        private Traffic(List<(string Topic, byte[] Payload)> messages)
        {
            Topics = messages.Select(m => m.Topic).ToArray();
            Payloads = messages.Select(m => m.Payload).ToArray();
            PublishedAt = new long[messages.Count];
        }

        public string[] Topics { get; }

        public byte[][] Payloads { get; }

        public long[] PublishedAt { get; }

        public int Count => Topics.Length;

        public static Traffic Setup(OcppTopics topics, int chargePoints)
        {
            var now = SystemClock.Instance.GetCurrentInstant();
            var list = new List<(string, byte[])>();
            for (var cp = 0; cp < chargePoints; cp++)
            {
                list.Add(Call(topics, cp, $"boot-{cp}", "BootNotification", """{"chargePointVendor":"Acme","chargePointModel":"Fast22"}"""));
                list.Add(Call(topics, cp, $"start-{cp}", "StartTransaction", $$"""{"connectorId":1,"idTag":"TAG{{cp}}","meterStart":{{cp * 1000}},"timestamp":"{{OcppDateTime.Format(now)}}"}"""));
            }

            return new Traffic(list);
        }

        public static Traffic Timed(OcppTopics topics, int chargePoints, int count, Func<int, int> transactionOf)
        {
            var random = new Random(42);
            var start = SystemClock.Instance.GetCurrentInstant();
            var register = new long[chargePoints];
            var list = new List<(string, byte[])>(count);
            var stops = Math.Min(chargePoints, count / 20);
            for (var i = 0; i < count - stops; i++)
            {
                var cp = random.Next(chargePoints);
                var time = OcppDateTime.Format(start + Duration.FromMilliseconds(i));
                var roll = random.Next(100);
                list.Add(roll switch
                {
                    < 90 => Call(topics, cp, $"m{i}", "MeterValues", MeterValues(transactionOf(cp), time, cp * 1000 + (register[cp] += random.Next(1, 50)))),
                    < 95 => Call(topics, cp, $"m{i}", "Heartbeat", "{}"),
                    < 99 => Call(topics, cp, $"m{i}", "StatusNotification", $$"""{"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"{{time}}"}"""),
                    _ => Call(topics, cp, $"m{i}", "Authorize", $$"""{"idTag":"TAG{{cp}}"}"""),
                });
            }

            for (var cp = 0; cp < stops; cp++)
            {
                var time = OcppDateTime.Format(start + Duration.FromMilliseconds(count + cp));
                list.Add(Call(topics, cp, $"m{list.Count}", "StopTransaction", $$"""{"transactionId":{{transactionOf(cp)}},"meterStop":{{cp * 1000 + register[cp] + 1}},"timestamp":"{{time}}","reason":"EVDisconnected"}"""));
            }

            return new Traffic(list);
        }

        public static int? IndexOf(string uniqueId) =>
            uniqueId.Length > 1 && uniqueId[0] == 'm' && int.TryParse(uniqueId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

        public int? IndexOf(ReadOnlySpan<byte> payload)
        {
            var at = payload.IndexOf(Marker);
            if (at < 0)
            {
                return null;
            }

            var digits = payload[(at + Marker.Length)..];
            var end = digits.IndexOf((byte)'"');
            return int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
        }

        private static string MeterValues(int transactionId, string time, long wh) =>
            $$"""{"connectorId":1,"transactionId":{{transactionId}},"meterValue":[{"timestamp":"{{time}}","sampledValue":[{"value":"{{wh}}","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},{"value":"7360.5","measurand":"Power.Active.Import","unit":"W"}]}]}""";

        private static (string, byte[]) Call(OcppTopics topics, int cp, string uniqueId, string action, string payload) =>
            (topics.Upstream($"BENCH{cp:D5}"), Encoding.UTF8.GetBytes($$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payload}}}"""));
    }
}
