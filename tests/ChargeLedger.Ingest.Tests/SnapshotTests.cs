using System.Text;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.TestSupport;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Ingest.Tests;

/// <summary>Charge point streams grow forever: a cold load starts from the latest snapshot and reads only what follows.</summary>
public sealed class SnapshotTests : IAsyncLifetime
{
    private const int Every = 10;
    private static readonly OcppTopics Topics = new() { MountPoint = "ocpp/" };
    private readonly FrameDecoder decoder = new(Topics, "sys/");
    private MigratedStore database = null!;

    public async Task InitializeAsync()
    {
        database = await MigratedStore.CreateAsync("snapshots");
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
    }

    [Fact]
    public async Task GivenAChargePointStreamLongerThanTheSnapshotInterval_WhenLoadedCold_ThenOnlyTheEventsAfterTheSnapshotAreReadAndTheStateIsTheFullFold()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var pipeline = Pipeline();
        await pipeline.ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot), .. Heartbeats(cid, 1, 14)], CancellationToken.None);
        await pipeline.ProcessAsync(Heartbeats(cid, 15, 3), CancellationToken.None);
        var snapshotVersion = await SnapshotVersionAsync(StreamIds.ChargePoint(cid));

        var counting = new CountingStore(database.Store);
        var loaded = await new StreamLoader(counting, new SnapshotStore(database.DataSource, Every)).LoadAsync(StreamIds.ChargePoint(cid), null, CancellationToken.None);
        var full = await new StreamLoader(database.Store).LoadAsync(StreamIds.ChargePoint(cid), null, CancellationToken.None);

        Assert.Equal(14, snapshotVersion);
        Assert.Equal((17L, 3), (loaded.Version, counting.EventsRead));
        Assert.Equal(full.Version, loaded.Version);
        Assert.Equal(Snapshot(full), Snapshot(loaded));
    }

    [Fact]
    public async Task GivenASnapshottedChargePoint_WhenAColdIngestGetsARedeliveredCallAndATransaction_ThenItDecidesAsIfItHadFoldedEverything()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var now = SystemClock.Instance.GetCurrentInstant();
        var start = Call(cid, "s1", "StartTransaction", Frames.Start(1, "TAG1", 1000, OcppDateTime.Format(now)));
        await Pipeline().ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot), start, .. Heartbeats(cid, 1, 12)], CancellationToken.None);
        var before = (await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 1000, CancellationToken.None)).Count;

        var cold = Pipeline();
        var redeliveredHeartbeat = Heartbeats(cid, 12, 1)[0];
        var resentStart = Call(cid, "s1", "StartTransaction", Frames.Start(1, "TAG1", 1000, OcppDateTime.Format(now)));
        await cold.ProcessAsync([redeliveredHeartbeat, resentStart], CancellationToken.None);

        Assert.Equal(13, await SnapshotVersionAsync(StreamIds.ChargePoint(cid)));
        Assert.Equal(before, (await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 1000, CancellationToken.None)).Count);
        Assert.Equal([0, 0], new[] { redeliveredHeartbeat.EventsCommitted, resentStart.EventsCommitted });
        Assert.Equal(start.Reply, resentStart.Reply);
    }

    [Fact]
    public async Task GivenASnapshotOfAnotherShape_WhenLoadedCold_ThenTheStreamIsFoldedFromItsFirstEvent()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await Pipeline().ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot), .. Heartbeats(cid, 1, 4)], CancellationToken.None);
        await using (var command = database.DataSource.CreateCommand("INSERT INTO ingest_snapshots (stream_id, version, shape, state) VALUES (@id, 3, 'ChargePointState/0', @state)"))
        {
            command.Parameters.AddWithValue("id", StreamIds.ChargePoint(cid));
            command.Parameters.AddWithValue("state", Encoding.UTF8.GetBytes("{}"));
            await command.ExecuteNonQueryAsync();
        }

        var counting = new CountingStore(database.Store);
        var loaded = await new StreamLoader(counting, new SnapshotStore(database.DataSource, Every)).LoadAsync(StreamIds.ChargePoint(cid), null, CancellationToken.None);

        Assert.Equal((4L, 5), (loaded.Version, counting.EventsRead));
        Assert.Equal(Snapshot(await new StreamLoader(database.Store).LoadAsync(StreamIds.ChargePoint(cid), null, CancellationToken.None)), Snapshot(loaded));
    }

    private IngestPipeline Pipeline() => new(
        database.Store,
        new TransactionIdAllocator(database.DataSource),
        new MessageDecider(ChargePointPolicy.Default, TransactionPolicy.Default),
        1000,
        _ => { },
        new SnapshotStore(database.DataSource, Every));

    private List<Delivery> Heartbeats(string cid, int first, int count) =>
        Enumerable.Range(first, count).Select(i => Call(cid, $"h{i}", "Heartbeat", "{}")).ToList();

    private Delivery Call(string cid, string uniqueId, string action, string payload) =>
        Delivery.Decode(decoder, Topics.Upstream(cid), Encoding.UTF8.GetBytes($$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payload}}}"""), SystemClock.Instance.GetCurrentInstant());

    private static string Snapshot(VersionedState state) => Encoding.UTF8.GetString(ChargePointSnapshot.Serialize((ChargePointState)state.State));

    private async Task<long?> SnapshotVersionAsync(string streamId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT version FROM ingest_snapshots WHERE stream_id = @id");
        command.Parameters.AddWithValue("id", streamId);
        return (long?)await command.ExecuteScalarAsync();
    }

    /// <summary>The real store, counting the events its stream reads return.</summary>
    private sealed class CountingStore(IEventStore inner) : IEventStore
    {
        public int EventsRead { get; private set; }

        public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int maxCount, CancellationToken cancellationToken)
        {
            var page = await inner.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);
            EventsRead += page.Count;
            return page;
        }

        public Task<IReadOnlyList<StreamAppendResult>> AppendAsync(AppendUnit unit, CancellationToken cancellationToken) => inner.AppendAsync(unit, cancellationToken);

        public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendUnit> units, CancellationToken cancellationToken) => inner.AppendManyAsync(units, cancellationToken);

        public Task<LogPage> ReadAllAsync(Checkpoint after, int maxCount, CancellationToken cancellationToken) => inner.ReadAllAsync(after, maxCount, cancellationToken);

        public Task WaitForAppendAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForAppendAsync(timeout, cancellationToken);

        public long AppendSignals => inner.AppendSignals;

        public Task<ChainVerification> VerifyStreamAsync(string streamId, CancellationToken cancellationToken) => inner.VerifyStreamAsync(streamId, cancellationToken);
    }
}
