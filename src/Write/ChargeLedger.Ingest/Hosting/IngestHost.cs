using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Ingest.RemoteCommands;
using ChargeLedger.Ingest.Sweeping;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Ingest.Hosting;

/// <summary>
/// The Central System ingest: a shared subscription to the charge points' requests, replies and connection notices;
/// each batch of messages is decided and committed (<see cref="IngestPipeline"/>), then the replies are published at
/// QoS 1 and, once the broker has them, the inbound messages are acknowledged. Alongside run the remote command
/// dispatcher and the stop-missing sweeper (on one instance at a time).
/// </summary>
public sealed class IngestHost : IAsyncDisposable
{
    private readonly IngestSettings settings;
    private readonly Action<string> log;
    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresEventStore store;
    private readonly MqttClient client;
    private readonly OcppTopics topics;
    private readonly FrameDecoder decoder;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly MqttSubscription[] subscriptions;
    private readonly BatchStatistics statistics = new();
    private long processed;
    private long acknowledged;

    private IngestHost(IngestSettings settings, Action<string> log)
    {
        this.settings = settings;
        this.log = log;
        dataSource = NpgsqlDataSource.Create(settings.PostgresConnectionString);
        // The pipeline already keeps both cores busy (the next batch is decoded and decided while this one appends): a
        // group commit prepared on every core would only compete with it (measured: README, performance).
        store = new PostgresEventStore(dataSource, parallelPreparation: settings.ParallelStorePreparation);
        topics = new OcppTopics { MountPoint = settings.MountPoint };
        decoder = new FrameDecoder(topics, settings.NoticePrefix);
        Pipeline = new IngestPipeline(
            store,
            new TransactionIdAllocator(dataSource),
            new MessageDecider(settings.ChargePointPolicy, settings.TransactionPolicy),
            settings.StateCacheSize,
            log,
            new SnapshotStore(dataSource, settings.SnapshotEvery),
            new StreamHeads(dataSource));
        client = new MqttClient(new MqttClientOptions
        {
            Host = settings.MqttHost,
            Port = settings.MqttPort,
            ClientId = settings.ClientId,
            Username = settings.MqttUsername,
            Password = settings.MqttPassword is { } password ? Encoding.UTF8.GetBytes(password) : null,
            Tls = settings.MqttTls ? Tls(settings.MqttTlsCaFile) : null,
            CleanStart = false,
            SessionExpiryIntervalSeconds = settings.SessionExpirySeconds,

            // Mosquitto 2.0 was seen to overrun a Receive Maximum of 4096 with a backlog; the packet id space is the real limit.
            ReceiveMaximum = ushort.MaxValue,
        });
        subscriptions =
        [
            MqttSubscription.Shared(settings.SharedGroup, topics.Filter(OcppTopicKind.Upstream)),
            MqttSubscription.Shared(settings.SharedGroup, topics.Filter(OcppTopicKind.Reply)),
            MqttSubscription.Shared(settings.SharedGroup, OcppGatewayNotice.SubscriptionFilterUnder(settings.NoticePrefix)),
        ];
        client.StatusChanged += change => log($"mqtt {change.Status}: {change.Reason}");
    }

    public IngestPipeline Pipeline { get; }

    public OcppTopics Topics => topics;

    public long MessagesProcessed => Interlocked.Read(ref processed);

    public long MessagesAcknowledged => Interlocked.Read(ref acknowledged);

    /// <summary>Raised after a batch's messages were acknowledged (on the acknowledging thread: keep it short).</summary>
    public event Action<IReadOnlyList<Delivery>>? Acknowledged;

    public static async Task<IngestHost> StartAsync(IngestSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var host = new IngestHost(settings, log);
        try
        {
            await host.client.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.client.SubscribeAsync(host.subscriptions, cancellationToken).ConfigureAwait(false);
            host.loops.Add(Task.Run(() => host.IngestLoopAsync(host.stopping.Token), CancellationToken.None));
            var dispatcher = new RemoteCommandDispatcher(host.store, host.dataSource, host.client, host.topics, settings.RemoteCommandTimeout, SystemClock.Instance, log);
            var sweeper = new StopMissingSweeper(host.store, host.dataSource, settings.TransactionPolicy, SystemClock.Instance, log);
            host.loops.Add(Task.Run(() => Leadership.RunWhileLeaderAsync(host.dataSource, "ingest-background", token => Task.WhenAll(
                dispatcher.RunAsync(token),
                sweeper.RunAsync(settings.SweepInterval, token)), log, host.stopping.Token), CancellationToken.None));
            log($"ingest {settings.ClientId} subscribed to {host.topics.Filter(OcppTopicKind.Upstream)}, {host.topics.Filter(OcppTopicKind.Reply)} and notices under {settings.NoticePrefix} (group {settings.SharedGroup})");
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes when a loop of the host fails (the host is then unusable) or the host is disposed.</summary>
    public Task Completion => Task.WhenAny(loops).Unwrap();

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        foreach (var loop in loops)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await client.DisposeAsync().ConfigureAwait(false);
        await store.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    /// <summary>
    /// Three overlapping stages: the next batch is decoded and validated, and the one after the batch being appended is
    /// decided on top of its (speculative) states, while the store appends; replies go out strictly after the commit,
    /// acknowledgements after the replies.
    /// </summary>
    private async Task IngestLoopAsync(CancellationToken cancellationToken)
    {
        var decoded = Channel.CreateBounded<List<Delivery>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var decoding = Task.Run(() => DecodeLoopAsync(decoded.Writer, cancellationToken), CancellationToken.None);
        var acknowledging = Task.CompletedTask;
        (List<Delivery> Batch, Task Commit, long Started)? committing = null;
        while (true)
        {
            if (!decoded.Reader.TryRead(out var batch))
            {
                // Nothing to prepare meanwhile: finish the batch in flight instead of holding its replies back.
                if (committing is { } idle)
                {
                    await idle.Commit.ConfigureAwait(false);
                    acknowledging = AfterCommit(idle.Batch, idle.Started, acknowledging, cancellationToken);
                    committing = null;
                }

                if (!await decoded.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            var started = Stopwatch.GetTimestamp();
            var prepared = await Pipeline.PrepareAsync(batch, cancellationToken).ConfigureAwait(false);
            if (committing is { } previous)
            {
                await previous.Commit.ConfigureAwait(false);
                acknowledging = AfterCommit(previous.Batch, previous.Started, acknowledging, cancellationToken);
            }

            committing = (batch, Pipeline.CommitAsync(prepared, cancellationToken), started);
        }

        await decoding.ConfigureAwait(false);
    }

    /// <summary>Publishes a committed batch's replies and chains its acknowledgement after them.</summary>
    private Task AfterCommit(List<Delivery> batch, long started, Task acknowledging, CancellationToken cancellationToken)
    {
        var total = Interlocked.Add(ref processed, batch.Count);
        statistics.Record(batch.Count, Stopwatch.GetElapsedTime(started), log);
        if (settings.CrashAfterCommitOfMessage is { } crashAt && total >= crashAt)
        {
            // Test switch: die like a killed process, after the commit and before any reply or acknowledgement.
            log($"crash point reached after committing message {total}");
            Process.GetCurrentProcess().Kill();
        }

        var replying = Stopwatch.GetTimestamp();
        var replies = batch.Where(d => d.Reply is not null)
            .Select(d => client.PublishAsync(topics.Downstream(d.Message.ChargePointId!), d.Reply, MqttQos.AtLeastOnce, cancellationToken: cancellationToken))
            .ToList();
        Pipeline.Stages.Add(StageTimes.Stage.Reply, replying);
        return AcknowledgeAfterAsync(acknowledging, batch, replies, cancellationToken);
    }

    private async Task DecodeLoopAsync(ChannelWriter<List<Delivery>> decoded, CancellationToken cancellationToken)
    {
        try
        {
            var reader = client.Messages;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var batch = new List<Delivery>(Math.Min(settings.MaxBatchSize, 256));
                var now = SystemClock.Instance.GetCurrentInstant();
                var decoding = Stopwatch.GetTimestamp();
                while (batch.Count < settings.MaxBatchSize && reader.TryRead(out var message))
                {
                    batch.Add(Delivery.Decode(decoder, message.Topic, message.Payload, now, message));
                }

                Pipeline.Stages.Add(StageTimes.Stage.Decode, decoding);
                await decoded.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            decoded.Complete();
        }
        catch (Exception e)
        {
            decoded.Complete(e);
            throw;
        }
    }

    /// <summary>Acknowledges a batch once its replies are with the broker, in batch order.</summary>
    private async Task AcknowledgeAfterAsync(Task previous, List<Delivery> batch, List<Task> replies, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(replies).ConfigureAwait(false);
        }
        catch (MqttProtocolException e)
        {
            // The broker refused a reply (e.g. not authorised): retrying cannot help; the events are committed.
            log($"a reply was refused by the broker: {e.Message}");
        }

        foreach (var delivery in batch)
        {
            await delivery.Source!.AckAsync(cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Add(ref acknowledged, batch.Count);
        Acknowledged?.Invoke(batch);
    }

    private static MqttTlsOptions Tls(string? caFile) => new()
    {
        TrustedCertificateAuthorities = caFile is null ? null : [X509CertificateLoader.LoadCertificateFromFile(caFile)],
    };
}
