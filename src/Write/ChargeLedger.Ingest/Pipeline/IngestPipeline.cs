using System.Collections.Concurrent;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Protocol.Ocpp;
using Npgsql;

namespace ChargeLedger.Ingest.Pipeline;

/// <summary>
/// Decides and commits batches of deliveries. Messages are grouped by charge point; each group is decided in order
/// against cached states and becomes one atomic <see cref="AppendUnit"/> with exact expected versions; all groups of a
/// batch go to the store in one group commit. A group that conflicts (another writer) or replays (stale state) is reloaded
/// and decided again; a group the store refuses is retried one message at a time, and a single refused message is
/// recorded as rejected. When <see cref="ProcessAsync"/> returns, every delivery's events are committed and its reply set.
/// </summary>
public sealed class IngestPipeline(IEventStore store, TransactionIdAllocator allocator, MessageDecider decider, int cacheSize, Action<string> log, SnapshotStore? snapshots = null)
{
    private const int LoadParallelism = 16;
    private static readonly TimeSpan SlowAttempt = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly StateCache cache = new(cacheSize);
    private readonly StreamLoader loader = new(store);
    private readonly List<(string StreamId, VersionedState State)> dueSnapshots = [];

    public int CachedStreams => cache.Count;

    public StageTimes Stages { get; } = new();

    public async Task ProcessAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        var groups = batch.GroupBy(d => d.GroupKey, StringComparer.Ordinal).Select(g => new Group(g.ToList())).ToList();
        var backoff = TimeSpan.FromMilliseconds(50);
        while (groups.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var taken = groups.Select(g => (Group: g, Items: g.OneAtATime ? g.Items.GetRange(0, 1) : g.Items.ToList())).ToList();
            try
            {
                await AttemptAsync(taken, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(50);
            }
            // Npgsql's "Connection is not open" (a connection broken under a restarting server, e.g. during the rollback of a
            // stale-head attempt) is as transient as the NpgsqlException that broke it.
            catch (Exception e) when (e is EventStoreUnavailableException or NpgsqlException or TimeoutException or InvalidOperationException { Source: "Npgsql" }
                && !cancellationToken.IsCancellationRequested)
            {
                // The commit may or may not have happened: forget what we believed about these streams and decide again.
                foreach (var stream in taken.SelectMany(t => t.Items).SelectMany(d => MessageDecider.StreamsOf(d.Message)))
                {
                    cache.Remove(stream);
                }

                log($"store unavailable ({e.Message}); retrying in {backoff.TotalMilliseconds:0} ms");
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }

            groups.RemoveAll(g => g.Items.Count == 0);
        }
    }

    private async Task AttemptAsync(List<(Group Group, List<Delivery> Items)> taken, CancellationToken cancellationToken)
    {
        var deliveries = taken.SelectMany(t => t.Items).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshot = await SnapshotAsync(deliveries, cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Load, started);
        var loadTime = clock.Elapsed;
        started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ids = await AllocateAsync(deliveries, snapshot, cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Allocate, started);
        var plans = new List<(Group Group, GroupPlan? Plan)>(taken.Count);
        foreach (var (group, items) in taken)
        {
            plans.Add((group, Plan(group, items, snapshot, ids)));
        }

        var appending = plans.Where(p => p.Plan?.Unit is not null).ToList();
        var decideTime = clock.Elapsed;
        started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcomes = appending.Count == 0
            ? []
            : await store.AppendManyAsync(appending.Select(p => p.Plan!.Unit!).ToList(), cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Append, started);
        started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (clock.Elapsed > SlowAttempt)
        {
            log($"slow attempt: {deliveries.Count} messages, {appending.Count} units: load {loadTime.TotalMilliseconds:0} ms, allocate+decide {(decideTime - loadTime).TotalMilliseconds:0} ms, append {(clock.Elapsed - decideTime).TotalMilliseconds:0} ms");
        }
        foreach (var (group, plan) in plans.Where(p => p.Plan is { Unit: null }))
        {
            Complete(group, plan!);
        }

        for (var i = 0; i < appending.Count; i++)
        {
            var (group, plan) = appending[i];
            Settle(group, plan!, outcomes[i]);
        }

        await SaveSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Settle, started);
    }

    /// <summary>Snapshots are a cache: failing to write one is logged, never a reason to hold back replies.</summary>
    private async Task SaveSnapshotsAsync(CancellationToken cancellationToken)
    {
        if (snapshots is null || dueSnapshots.Count == 0)
        {
            return;
        }

        try
        {
            await snapshots.SaveAsync(dueSnapshots, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            log($"snapshots not saved ({e.Message}); the streams stay loadable from their events");
        }

        dueSnapshots.Clear();
    }

    private void Settle(Group group, GroupPlan plan, AppendOutcome outcome)
    {
        switch (outcome)
        {
            case AppendOutcome.Committed committed when committed.Streams.All(s => !s.WasReplay):
                foreach (var result in committed.Streams)
                {
                    if (plan.Finals.TryGetValue(result.StreamId, out var final) && final.Version == result.LastVersion)
                    {
                        cache.Set(result.StreamId, final);
                        if (snapshots?.IsDue(result.StreamId, result.LastVersion, (int)(result.LastVersion - result.FirstVersion + 1)) == true)
                        {
                            dueSnapshots.Add((result.StreamId, final));
                        }
                    }
                    else
                    {
                        cache.Remove(result.StreamId);
                    }
                }

                Complete(group, plan);
                break;
            case AppendOutcome.Committed:
            case AppendOutcome.Conflict:
                // Another writer got there first, or our state was stale (the events were already stored):
                // the replies computed here cannot be trusted. Reload and decide again.
                foreach (var stream in plan.Unit!.Streams)
                {
                    cache.Remove(stream.StreamId);
                }

                break;
            case AppendOutcome.Rejected rejected when plan.Items.Count > 1:
                log($"store refused a unit of {plan.Items.Count} messages ({rejected.Error.Message}); retrying them one by one");
                group.OneAtATime = true;
                break;
            case AppendOutcome.Rejected rejected:
                var delivery = plan.Items[0];
                log($"store refused the events of {delivery.Topic}: {rejected.Error.Message}");
                delivery.Message = delivery.Message is InboundMessage.Invalid invalid
                    ? Storable(delivery, invalid, rejected.Error.Message)
                    : Invalid(delivery, "the event store refused the decided events: " + rejected.Error.Message, OcppErrorCode.InternalError);
                break;
        }
    }

    private static void Complete(Group group, GroupPlan plan)
    {
        for (var i = 0; i < plan.Items.Count; i++)
        {
            plan.Items[i].Reply = plan.Replies[i];
            plan.Items[i].EventsCommitted = plan.EventCounts[i];
        }

        group.Items.RemoveRange(0, plan.Items.Count);
    }

    /// <summary>Null when a decision failed: the message was turned into a rejection and the group is decided again.</summary>
    private GroupPlan? Plan(Group group, List<Delivery> items, IReadOnlyDictionary<string, VersionedState> snapshot, Queue<int> ids)
    {
        var states = new WorkingSet(snapshot);
        var appends = new Dictionary<string, List<EventData>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, Guid)>();
        var replies = new byte[]?[items.Count];
        var counts = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var delivery = items[i];
            IReadOnlyList<object> events;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                (events, replies[i]) = decider.Decide(delivery, states, ids.Dequeue);
                Stages.Add(StageTimes.Stage.Decide, started);
                started = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            catch (Exception e) when (e is not OperationCanceledException && delivery.Message is not InboundMessage.Invalid)
            {
                log($"deciding {delivery.Topic} failed: {e}");
                delivery.Message = Invalid(delivery, "the message could not be decided: " + e.Message, OcppErrorCode.InternalError);
                group.OneAtATime = true;
                return null;
            }

            var metadata = Metadata(delivery);
            for (var k = 0; k < events.Count; k++)
            {
                var stream = StreamStates.ForEvent(events[k]);
                var eventId = delivery.Identity.EventId(k);
                if (!seen.Add((stream, eventId)))
                {
                    continue; // the same message twice in one batch: its events are already in the unit
                }

                var (type, data) = EventSerializer.Serialize(events[k]);
                if (!appends.TryGetValue(stream, out var list))
                {
                    appends[stream] = list = [];
                }

                list.Add(new EventData(eventId, type, data, metadata));
                counts[i]++;
            }

            Stages.Add(StageTimes.Stage.Serialize, started);
        }

        var unit = appends.Count == 0
            ? null
            : new AppendUnit(appends.Select(a => new StreamAppend(a.Key, Expected(states.CommittedVersion(a.Key)), a.Value)).ToList());
        return new GroupPlan(items, unit, replies, counts, states.Changed);
    }

    private static ExpectedVersion Expected(long version) => version < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(version);

    /// <summary>Cached states, loading what is missing; idTag streams are always brought up to date (the API changes them).</summary>
    private async Task<Dictionary<string, VersionedState>> SnapshotAsync(List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        var snapshot = new Dictionary<string, VersionedState>(StringComparer.Ordinal);
        var toLoad = new List<(string Stream, VersionedState? From)>();
        foreach (var stream in deliveries.SelectMany(d => MessageDecider.StreamsOf(d.Message)).Distinct(StringComparer.Ordinal))
        {
            var cached = cache.TryGet(stream, out var state);
            if (cached && !stream.StartsWith("idtag-", StringComparison.Ordinal))
            {
                snapshot[stream] = state;
            }
            else
            {
                toLoad.Add((stream, cached ? state : null));
            }
        }

        if (snapshots is not null && toLoad.Any(t => t.From is null && SnapshotStore.Covers(t.Stream)))
        {
            // Cold charge point streams start from their snapshots: one query for the batch, then only the events after.
            var found = await snapshots.LoadAsync(toLoad.Where(t => t.From is null).Select(t => t.Stream).ToList(), cancellationToken).ConfigureAwait(false);
            toLoad = toLoad.Select(t => t.From is null && found.TryGetValue(t.Stream, out var snapshot) ? (t.Stream, (VersionedState?)snapshot) : t).ToList();
        }

        var loaded = new ConcurrentDictionary<string, VersionedState>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            toLoad,
            new ParallelOptions { MaxDegreeOfParallelism = LoadParallelism, CancellationToken = cancellationToken },
            async (item, token) => loaded[item.Stream] = await loader.LoadAsync(item.Stream, item.From, token).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var (stream, state) in loaded)
        {
            snapshot[stream] = state;
            cache.Set(stream, state);
        }

        return snapshot;
    }

    private async Task<Queue<int>> AllocateAsync(List<Delivery> deliveries, Dictionary<string, VersionedState> snapshot, CancellationToken cancellationToken)
    {
        var needed = deliveries.Count(d => d.Message.ChargePointId is { Length: > 0 } cid
            && MessageDecider.NeedsTransactionId(d.Message, (ChargePointState)snapshot[StreamIds.ChargePoint(cid)].State));
        return needed == 0
            ? new Queue<int>()
            : new Queue<int>(await allocator.NextTransactionIdsAsync(needed, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The rejection itself was refused (a payload too large, U+0000 in a validator's reason, a charge point id the store
    /// cannot name): first keep bounded evidence and a storable reason, then fall back to the unroutable stream, so one
    /// message can never stall the ingest in a retry loop.
    /// </summary>
    private static InboundMessage.Invalid Storable(Delivery delivery, InboundMessage.Invalid invalid, string refusal)
    {
        static string Bounded(string text) => (text.Length > 1000 ? text[..1000] + "…" : text).Replace('\0', '\uFFFD');
        if (!delivery.EvidenceCut)
        {
            delivery.EvidenceCut = true;
            return invalid with { Reason = $"{Bounded(invalid.Reason)} (recorded with the evidence cut to {Delivery.EvidenceLimit} bytes: {Bounded(refusal)})" };
        }
        return invalid with { ChargePointId = null, Answer = false };
    }

    private static InboundMessage.Invalid Invalid(Delivery delivery, string reason, OcppErrorCode errorCode)
    {
        var uniqueId = UniqueIdOf(delivery.Message);
        return new InboundMessage.Invalid(delivery.Message.ChargePointId, uniqueId, reason, errorCode, delivery.Message is InboundMessage.Call);
    }

    private static string? UniqueIdOf(InboundMessage message) => message switch
    {
        InboundMessage.Call c => c.UniqueId,
        InboundMessage.Reply r => r.UniqueId,
        InboundMessage.Invalid i => i.UniqueId,
        _ => null,
    };

    private static EventMetadata Metadata(Delivery delivery)
    {
        var (raw, encoding) = RawPayload.Encode(delivery.Evidence.Span);
        var deviceTime = delivery.Message switch
        {
            InboundMessage.Call c => c.DeviceTime,
            InboundMessage.Notice n => n.BrokerTime,
            _ => null,
        };
        return new EventMetadata(
            delivery.Identity.CorrelationId,
            delivery.Identity.CorrelationId,
            "mqtt",
            delivery.Topic,
            delivery.Message.ChargePointId,
            UniqueIdOf(delivery.Message),
            deviceTime,
            delivery.ReceivedAt,
            encoding == RawPayload.Utf8 ? raw : RawPayload.Base64 + ":" + raw);
    }

    private sealed class Group(List<Delivery> items)
    {
        public List<Delivery> Items { get; } = items;

        /// <summary>Set after the store refused the group's unit: its messages then go one per attempt.</summary>
        public bool OneAtATime { get; set; }
    }
}
