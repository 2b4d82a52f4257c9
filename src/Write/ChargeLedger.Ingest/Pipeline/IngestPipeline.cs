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
public sealed class IngestPipeline(IEventStore store, TransactionIdAllocator allocator, MessageDecider decider, int cacheSize, Action<string> log, SnapshotStore? snapshots = null, StreamHeads? heads = null)
{
    private const int LoadParallelism = 16;
    private static readonly TimeSpan SlowAttempt = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly StateCache cache = new(cacheSize);
    private readonly StreamLoader loader = new(store);
    private readonly List<(string StreamId, VersionedState State)> dueSnapshots = [];

    // Held while the cache is read or written: a batch is prepared while the previous one appends.
    private readonly SemaphoreSlim gate = new(1, 1);

    // Streams dropped from the cache since the last PrepareAsync began: plans of the prepared batch that read them are stale.
    private readonly HashSet<string> invalidated = new(StringComparer.Ordinal);
    private long redecided;
    private long eventsLoaded;

    public int CachedStreams => cache.Count;

    /// <summary>Groups decided again because another writer got there first or the state they were decided on was stale.</summary>
    public long Redecided => Interlocked.Read(ref redecided);

    /// <summary>Events read from the store to load or catch up stream states.</summary>
    public long EventsLoaded => Interlocked.Read(ref eventsLoaded);

    public StageTimes Stages { get; } = new();

    /// <summary>Decides and commits one batch (<see cref="PrepareAsync"/> then <see cref="CommitAsync"/>).</summary>
    public async Task ProcessAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken) =>
        await CommitAsync(await PrepareAsync(batch, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Loads, allocates and decides a batch against the cached states, which already include the decisions of the batch
    /// still being committed (speculation): call it while the previous batch's <see cref="CommitAsync"/> appends, and
    /// commit the batches in order. A group built on a state the previous commit did not confirm is decided again.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        var groups = batch.GroupBy(d => d.GroupKey, StringComparer.Ordinal).Select(g => new Group(g.ToList())).ToList();
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            invalidated.Clear();
            var taken = Take(groups);
            try
            {
                return new PreparedBatch(groups, await PlanAsync(taken, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                Forget(taken);
                log($"store unavailable while deciding ({e.Message}); the batch is decided again at commit");
                return new PreparedBatch(groups, null);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Appends what <see cref="PrepareAsync"/> decided, then retries whatever is left until every delivery is committed and answered.</summary>
    public async Task CommitAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var groups = prepared.Groups;
        if (prepared.Attempt is { } attempt)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);

            // Groups whose states the previous commit did not confirm were decided on a wrong basis: decide them again below
            // (and so must the next batch's groups built on these decisions).
            List<(Group Group, GroupPlan? Plan)> stale = invalidated.Count == 0 ? [] : attempt.Plans.Where(p => (p.Plan?.Items ?? p.Group.Items).SelectMany(d => d.Streams).Any(invalidated.Contains)).ToList();
            Interlocked.Add(ref redecided, stale.Count);
            foreach (var (_, plan) in stale)
            {
                if (plan is not null)
                {
                    Invalidate(plan);
                }
            }

            var confirmed = attempt with { Plans = attempt.Plans.Except(stale).ToList() };
            gate.Release();
            try
            {
                // The append runs outside the gate, so the next batch is prepared meanwhile.
                var outcomes = await AppendAsync(confirmed, cancellationToken).ConfigureAwait(false);
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await SettleAsync(confirmed, outcomes, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                Forget(attempt.Taken);
                gate.Release();
                log($"store unavailable ({e.Message}); retrying");
            }

            groups.RemoveAll(g => g.Items.Count == 0);
        }

        var backoff = TimeSpan.FromMilliseconds(50);
        while (groups.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var taken = Take(groups);
            Exception? failure = null;
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var retry = await PlanAsync(taken, cancellationToken).ConfigureAwait(false);
                await SettleAsync(retry, await AppendAsync(retry, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                // The commit may or may not have happened: forget what we believed about these streams and decide again.
                Forget(taken);
                failure = e;
            }
            finally
            {
                gate.Release();
            }

            if (failure is not null)
            {
                log($"store unavailable ({failure.Message}); retrying in {backoff.TotalMilliseconds:0} ms");
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
            else
            {
                backoff = TimeSpan.FromMilliseconds(50);
            }

            groups.RemoveAll(g => g.Items.Count == 0);
        }
    }

    // Npgsql's "Connection is not open" (a connection broken under a restarting server, e.g. during the rollback of a
    // stale-head attempt) is as transient as the NpgsqlException that broke it.
    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is EventStoreUnavailableException or NpgsqlException or TimeoutException or InvalidOperationException { Source: "Npgsql" }
        && !cancellationToken.IsCancellationRequested;

    private static List<(Group Group, List<Delivery> Items)> Take(List<Group> groups) =>
        groups.Select(g => (Group: g, Items: g.OneAtATime ? g.Items.GetRange(0, 1) : g.Items.ToList())).ToList();

    private void Forget(List<(Group Group, List<Delivery> Items)> taken)
    {
        foreach (var stream in taken.SelectMany(t => t.Items).SelectMany(d => d.Streams))
        {
            Invalidate(stream);
        }
    }

    /// <summary>Drops the states a plan wrote (speculatively) to the cache.</summary>
    private void Invalidate(GroupPlan plan)
    {
        foreach (var stream in plan.Finals.Keys.Concat(plan.Unit?.Streams.Select(s => s.StreamId) ?? []))
        {
            Invalidate(stream);
        }
    }

    /// <summary>Drops a cached state (its confirmed one stays to catch up from) and marks it for the batch prepared on top of it.</summary>
    private void Invalidate(string stream)
    {
        cache.Drop(stream);
        invalidated.Add(stream);
    }

    private async Task<Attempt> PlanAsync(List<(Group Group, List<Delivery> Items)> taken, CancellationToken cancellationToken)
    {
        var deliveries = taken.SelectMany(t => t.Items).ToList();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshot = await SnapshotAsync(deliveries, cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Load, started);
        started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ids = await AllocateAsync(deliveries, snapshot, cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Allocate, started);
        var plans = new List<(Group Group, GroupPlan? Plan)>(taken.Count);
        foreach (var (group, items) in taken)
        {
            var plan = Plan(group, items, snapshot, ids);
            plans.Add((group, plan));
            foreach (var (stream, final) in plan?.Finals ?? new Dictionary<string, VersionedState>())
            {
                cache.Set(stream, final); // speculative until the commit confirms it
            }
        }

        return new Attempt(taken, plans, deliveries.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private async Task<IReadOnlyList<AppendOutcome>> AppendAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var units = attempt.Plans.Where(p => p.Plan?.Unit is not null).Select(p => p.Plan!.Unit!).ToList();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcomes = units.Count == 0 ? [] : await store.AppendManyAsync(units, cancellationToken).ConfigureAwait(false);
        Stages.Add(StageTimes.Stage.Append, started);
        var appendTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (attempt.DecideTime + appendTime > SlowAttempt)
        {
            log($"slow attempt: {attempt.Messages} messages, {units.Count} units: decide {attempt.DecideTime.TotalMilliseconds:0} ms, append {appendTime.TotalMilliseconds:0} ms");
        }

        return outcomes;
    }

    private async Task SettleAsync(Attempt attempt, IReadOnlyList<AppendOutcome> outcomes, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var next = 0;
        foreach (var (group, plan) in attempt.Plans)
        {
            if (plan is { Unit: null })
            {
                Complete(group, plan);
            }
            else if (plan is not null)
            {
                Settle(group, plan, outcomes[next++]);
            }
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
                        cache.Confirm(result.StreamId, final);

                        if (snapshots?.IsDue(result.StreamId, result.LastVersion, (int)(result.LastVersion - result.FirstVersion + 1)) == true)
                        {
                            dueSnapshots.Add((result.StreamId, final));
                        }
                    }
                    else
                    {
                        Invalidate(result.StreamId);
                    }
                }

                Complete(group, plan);
                break;
            case AppendOutcome.Committed:
            case AppendOutcome.Conflict:
                // Another writer got there first, or our state was stale (the events were already stored):
                // the replies computed here cannot be trusted. Reload and decide again.
                Interlocked.Increment(ref redecided);
                Invalidate(plan);
                break;
            case AppendOutcome.Rejected rejected when plan.Items.Count > 1:
                Invalidate(plan);
                log($"store refused a unit of {plan.Items.Count} messages ({rejected.Error.Message}); retrying them one by one");
                group.OneAtATime = true;
                break;
            case AppendOutcome.Rejected rejected:
                Invalidate(plan);
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
        foreach (var stream in deliveries.SelectMany(d => d.Streams).Distinct(StringComparer.Ordinal))
        {
            var cached = cache.TryGet(stream, out var state);
            if (cached && !IsIdTag(stream))
            {
                snapshot[stream] = state;
            }
            else
            {
                toLoad.Add((stream, cached ? state : cache.TryGetConfirmed(stream, out var confirmed) ? confirmed : null));
            }
        }

        if (snapshots is not null && toLoad.Any(t => t.From is null && SnapshotStore.Covers(t.Stream)))
        {
            // Cold charge point streams start from their snapshots: one query for the batch, then only the events after.
            var found = await snapshots.LoadAsync(toLoad.Where(t => t.From is null).Select(t => t.Stream).ToList(), cancellationToken).ConfigureAwait(false);
            toLoad = toLoad.Select(t => t.From is null && found.TryGetValue(t.Stream, out var snapshot) ? (t.Stream, (VersionedState?)snapshot) : t).ToList();
        }

        if (heads is not null && toLoad.Any(t => IsIdTag(t.Stream)))
        {
            // IdTag streams change through the API: one query for their heads, and only the moved ones are read.
            var idTags = toLoad.Where(t => IsIdTag(t.Stream)).ToList();
            var versions = await heads.VersionsAsync(idTags.Select(t => t.Stream).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var (stream, from) in idTags)
            {
                if (versions.GetValueOrDefault(stream, -1) == (from?.Version ?? -1))
                {
                    snapshot[stream] = from ?? new VersionedState(-1, StreamStates.Empty(stream));
                }
            }

            toLoad.RemoveAll(t => snapshot.ContainsKey(t.Stream));
        }

        var loaded = new ConcurrentDictionary<string, VersionedState>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            toLoad,
            new ParallelOptions { MaxDegreeOfParallelism = LoadParallelism, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var state = await loader.LoadAsync(item.Stream, item.From, token).ConfigureAwait(false);
                Interlocked.Add(ref eventsLoaded, state.Version - (item.From?.Version ?? -1));
                loaded[item.Stream] = state;
            }).ConfigureAwait(false);
        foreach (var (stream, state) in loaded)
        {
            snapshot[stream] = state;
            cache.Confirm(stream, state);
        }

        return snapshot;
    }

    private static bool IsIdTag(string stream) => stream.StartsWith("idtag-", StringComparison.Ordinal);

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

    /// <summary>A batch decided by <see cref="PrepareAsync"/>, to hand to <see cref="CommitAsync"/>.</summary>
    public sealed class PreparedBatch
    {
        internal PreparedBatch(List<Group> groups, Attempt? attempt)
        {
            Groups = groups;
            Attempt = attempt;
        }

        internal List<Group> Groups { get; }

        /// <summary>Null when the store was unavailable while deciding: the whole batch is decided at commit.</summary>
        internal Attempt? Attempt { get; }
    }

    internal sealed record Attempt(List<(Group Group, List<Delivery> Items)> Taken, List<(Group Group, GroupPlan? Plan)> Plans, int Messages, TimeSpan DecideTime);

    internal sealed class Group(List<Delivery> items)
    {
        public List<Delivery> Items { get; } = items;

        /// <summary>Set after the store refused the group's unit: its messages then go one per attempt.</summary>
        public bool OneAtATime { get; set; }
    }
}
