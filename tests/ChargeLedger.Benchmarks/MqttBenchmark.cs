using System.Diagnostics;
using System.Globalization;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.TestSupport;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// QoS 1 receive-and-acknowledge throughput: our client against <c>mosquitto_sub -q 1</c> (the C client) on the same
/// broker and load. For each, a persistent session is created, N messages are queued for it while it is offline,
/// then the timed part reconnects and drains them, acknowledging every message.
/// Usage: eng/bench mqtt [messages=200000] [payloadBytes=300]
/// </summary>
public static class MqttBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var size = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        var payload = new byte[size];
        Array.Fill(payload, (byte)'x');
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"mqtt: {count:N0} QoS 1 messages of {size} bytes queued per client, broker {TestServices.MqttHost}:{TestServices.MqttPort}");

        var baselineTopic = $"bench/{run}/c";
        var baselineId = $"bench-{run}-c";
        await MosquittoSubAsync(baselineId, baselineTopic, "-E", cancellationToken).ConfigureAwait(false);
        await QueueAsync(baselineTopic, count, payload, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        await MosquittoSubAsync(baselineId, baselineTopic, "-C " + count.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        var baseline = count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  mosquitto_sub -q 1: {baseline,10:N0} msg/s ({watch.Elapsed.TotalSeconds:F2} s)");

        var oursTopic = $"bench/{run}/ours";
        var options = new MqttClientOptions
        {
            Host = TestServices.MqttHost,
            Port = TestServices.MqttPort,
            Username = TestServices.MqttUsername,
            Password = TestServices.MqttPassword is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : null,
            ClientId = $"bench-{run}-ours",
            SessionExpiryIntervalSeconds = 600,
        };
        await using (var setup = new MqttClient(options))
        {
            await setup.StartAsync(cancellationToken).ConfigureAwait(false);
            await setup.SubscribeAsync(oursTopic, MqttQos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        }
        await QueueAsync(oursTopic, count, payload, cancellationToken).ConfigureAwait(false);
        watch.Restart();
        await using (var client = new MqttClient(options))
        {
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
            var received = 0;
            var reader = client.Messages;
            while (received < count && await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The ingest pattern: take what is there, (commit it,) then acknowledge the batch.
                while (received < count && reader.TryRead(out var message))
                {
                    await message.AckAsync(cancellationToken).ConfigureAwait(false);
                    received++;
                }
            }
        }
        var ours = count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  ChargeLedger MqttClient: {ours,10:N0} msg/s ({watch.Elapsed.TotalSeconds:F2} s)");
        Console.WriteLine($"  ratio ours/mosquitto_sub: {ours / baseline:F2} (target >= 1.0)");
        return 0;
    }

    private static async Task QueueAsync(string topic, int count, byte[] payload, CancellationToken cancellationToken)
    {
        await using var publisher = new MqttClient(new MqttClientOptions
        {
            Host = TestServices.MqttHost,
            Port = TestServices.MqttPort,
            Username = TestServices.MqttUsername,
            Password = TestServices.MqttPassword is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : null,
            ClientId = $"bench-pub-{Guid.NewGuid():N}",
            CleanStart = true,
            SessionExpiryIntervalSeconds = 0,
        });
        await publisher.StartAsync(cancellationToken).ConfigureAwait(false);
        var window = new List<Task>(4096);
        for (var i = 0; i < count; i++)
        {
            window.Add(publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cancellationToken));
            if (window.Count == 4096)
            {
                await Task.WhenAll(window).ConfigureAwait(false);
                window.Clear();
            }
        }
        await Task.WhenAll(window).ConfigureAwait(false);
    }

    private static async Task MosquittoSubAsync(string clientId, string topic, string extra, CancellationToken cancellationToken)
    {
        var credentials = TestServices.MqttUsername is { } username ? $"-u {username} -P {TestServices.MqttPassword}" : string.Empty;
        var command = $"mosquitto_sub -h {TestServices.MqttHost} -p {TestServices.MqttPort} {credentials} -V mqttv5 -c -x 600 -q 1 -i {clientId} -t {topic} {extra} > /dev/null";
        using var process = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", command }, UseShellExecute = false })!;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_sub exited with {process.ExitCode}: {command}");
        }
    }
}
