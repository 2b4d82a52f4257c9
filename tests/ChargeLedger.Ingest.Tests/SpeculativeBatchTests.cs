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

/// <summary>
/// A batch is decided while the previous one is still being appended, on top of that batch's decisions: when the
/// previous commit does not confirm them (another instance got there first), the batch built on them is decided again.
/// </summary>
public sealed class SpeculativeBatchTests : IAsyncLifetime
{
    private static readonly OcppTopics Topics = new() { MountPoint = "ocpp/" };
    private readonly FrameDecoder decoder = new(Topics, "sys/");
    private MigratedStore database = null!;

    public async Task InitializeAsync()
    {
        database = await MigratedStore.CreateAsync("speculative");
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
    }

    [Fact]
    public async Task GivenABatchPreparedOnABatchWhoseCommitConflicts_WhenBothAreCommitted_ThenEveryCallIsRecordedOnceInOrderAndAnswered()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var first = Pipeline();
        var other = Pipeline();
        await first.ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot)], CancellationToken.None);
        await other.ProcessAsync([Call(cid, "h1", "Heartbeat", "{}")], CancellationToken.None); // the first instance's cache is now stale

        var h1Again = Call(cid, "h1", "Heartbeat", "{}");
        var h2 = Call(cid, "h2", "Heartbeat", "{}");
        var conflicting = await first.PrepareAsync([h1Again], CancellationToken.None);
        var builtOnIt = await first.PrepareAsync([h2], CancellationToken.None);
        await first.CommitAsync(conflicting, CancellationToken.None);
        await first.CommitAsync(builtOnIt, CancellationToken.None);

        var events = (await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 100, CancellationToken.None)).Select(e => (e.StreamVersion, e.Type)).ToList();
        Assert.Equal([(0L, "ChargePointBooted"), (1L, "HeartbeatReceived"), (2L, "HeartbeatReceived")], events);
        Assert.Equal((0, 1), (h1Again.EventsCommitted, h2.EventsCommitted));
        Assert.All(new[] { h1Again, h2 }, d => Assert.NotNull(d.Reply));
    }

    [Fact]
    public async Task GivenAStartPreparedOnAStaleStateAndAResendPreparedOnTopOfIt_WhenCommitted_ThenBothAnswerTheTransactionIdThatWasStored()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var first = Pipeline();
        var other = Pipeline();
        var start = Frames.Start(1, "TAG1", 1000, OcppDateTime.Format(SystemClock.Instance.GetCurrentInstant()));
        await first.ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot)], CancellationToken.None);
        var stored = Call(cid, "s1", "StartTransaction", start);
        await other.ProcessAsync([stored], CancellationToken.None);

        var resent = Call(cid, "s1", "StartTransaction", start);
        var resentAgain = Call(cid, "s1", "StartTransaction", start);
        var conflicting = await first.PrepareAsync([resent], CancellationToken.None); // decided on a state without the start: a new id
        var builtOnIt = await first.PrepareAsync([resentAgain], CancellationToken.None); // would answer that new id
        await first.CommitAsync(conflicting, CancellationToken.None);
        await first.CommitAsync(builtOnIt, CancellationToken.None);

        var storedId = TransactionId(stored);
        Assert.Equal((storedId, storedId), (TransactionId(resent), TransactionId(resentAgain)));
        Assert.Equal((0, 0), (resent.EventsCommitted, resentAgain.EventsCommitted));
        Assert.Equal(["ChargePointBooted", "TransactionIdAssigned"], (await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 100, CancellationToken.None)).Select(e => e.Type));
    }

    [Fact]
    public async Task GivenBatchesPreparedAheadOfTheirCommits_WhenCommittedInOrder_ThenTheStreamHoldsEveryCallOnce()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var pipeline = Pipeline();
        var batches = new List<List<Delivery>> { new() { Call(cid, "b1", "BootNotification", Frames.Boot) } };
        batches.AddRange(Enumerable.Range(1, 4).Select(b => Enumerable.Range(b * 10, 3).Select(i => Call(cid, $"h{i}", "Heartbeat", "{}")).ToList()));

        var previous = await pipeline.PrepareAsync(batches[0], CancellationToken.None);
        foreach (var batch in batches.Skip(1))
        {
            var next = await pipeline.PrepareAsync(batch, CancellationToken.None);
            await pipeline.CommitAsync(previous, CancellationToken.None);
            previous = next;
        }

        await pipeline.CommitAsync(previous, CancellationToken.None);

        var stored = await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 13).Select(v => (long)v), stored.Select(e => e.StreamVersion));
        Assert.All(batches.SelectMany(b => b), d => Assert.Equal(1, d.EventsCommitted));
    }

    [Fact]
    public async Task GivenAnotherWriterAppendedToACachedStream_WhenTheNextMessageConflicts_ThenOnlyTheEventsAfterTheLastConfirmedStateAreRead()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var first = Pipeline();
        var other = Pipeline();
        await first.ProcessAsync([Call(cid, "b1", "BootNotification", Frames.Boot), .. Enumerable.Range(1, 5).Select(i => Call(cid, $"h{i}", "Heartbeat", "{}"))], CancellationToken.None);
        await other.ProcessAsync([Call(cid, "h6", "Heartbeat", "{}")], CancellationToken.None);
        var (redecided, loaded) = (first.Redecided, first.EventsLoaded);

        var h7 = Call(cid, "h7", "Heartbeat", "{}");
        await first.ProcessAsync([h7], CancellationToken.None);

        Assert.Equal((1L, 1L), (first.Redecided - redecided, first.EventsLoaded - loaded)); // one conflict, then only h6 read
        Assert.Equal(1, h7.EventsCommitted);
        var stored = await database.Store.ReadStreamAsync(StreamIds.ChargePoint(cid), 0, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 8).Select(v => (long)v), stored.Select(e => e.StreamVersion));
        Assert.Equal("HeartbeatReceived", stored[^1].Type);
    }

    private static int TransactionId(Delivery delivery)
    {
        using var reply = System.Text.Json.JsonDocument.Parse(delivery.Reply);
        return reply.RootElement.GetProperty("Payload").GetProperty("transactionId").GetInt32();
    }

    private IngestPipeline Pipeline() => new(
        database.Store,
        new TransactionIdAllocator(database.DataSource),
        new MessageDecider(ChargePointPolicy.Default, TransactionPolicy.Default),
        1000,
        _ => { },
        new SnapshotStore(database.DataSource));

    private Delivery Call(string cid, string uniqueId, string action, string payload) =>
        Delivery.Decode(decoder, Topics.Upstream(cid), Encoding.UTF8.GetBytes($$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payload}}}"""), SystemClock.Instance.GetCurrentInstant());
}
