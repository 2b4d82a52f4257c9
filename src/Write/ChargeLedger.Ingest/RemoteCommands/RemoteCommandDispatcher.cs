using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.EventStore;
using ChargeLedger.Ingest.Ocpp;
using ChargeLedger.Ingest.Pipeline;
using ChargeLedger.Protocol.Mqtt;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Ingest.RemoteCommands;

/// <summary>
/// Follows the log for <see cref="RemoteCommandRequested"/> (appended by the API), publishes each CALL on the charge
/// point's downstream topic and records <see cref="RemoteCommandSent"/>; a command still unanswered after the timeout is
/// recorded as <see cref="RemoteCommandTimedOut"/> (replies are correlated by the ingest pipeline). The saved checkpoint
/// never passes a command still waiting for its reply, so after a restart the wait is resumed; a command whose Sent is
/// recorded is never published again.
/// </summary>
public sealed class RemoteCommandDispatcher(
    IEventStore store,
    NpgsqlDataSource dataSource,
    MqttClient client,
    OcppTopics topics,
    Duration timeout,
    IClock clock,
    Action<string> log)
{
    public const string CheckpointName = "remote-command-dispatcher";
    private const int PageSize = 500;

    /// <summary>What the dispatcher follows; <c>schema/0510_remote_command_index.sql</c> indexes exactly these.</summary>
    public static IReadOnlySet<string> FollowedTypes { get; } = new HashSet<string>(
        [nameof(RemoteCommandRequested), nameof(RemoteCommandSent), nameof(RemoteCommandReplied), nameof(RemoteCommandFailed), nameof(RemoteCommandTimedOut)],
        StringComparer.Ordinal);

    private readonly CheckpointStore checkpoints = new(dataSource);
    private readonly DecisionWriter writer = new(store, new SnapshotStore(dataSource));
    private readonly Dictionary<string, Waiting> waiting = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var position = await checkpoints.LoadAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        var saved = position;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await store.ReadAllOfTypesAsync(position, FollowedTypes, PageSize, cancellationToken).ConfigureAwait(false);
            var before = position;
            foreach (var recorded in page.Events)
            {
                await FollowAsync(recorded, before, cancellationToken).ConfigureAwait(false);
                before = recorded.Checkpoint;
            }

            position = page.Next;
            await TimeOutDueAsync(cancellationToken).ConfigureAwait(false);
            var safe = waiting.Count == 0 ? position : waiting.Values.Min(w => w.Before);
            if (safe != saved)
            {
                await checkpoints.SaveAsync(CheckpointName, safe, cancellationToken).ConfigureAwait(false);
                saved = safe;
            }

            if (page.Events.Count < PageSize)
            {
                await store.WaitForAppendAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FollowAsync(RecordedEvent recorded, Checkpoint before, CancellationToken cancellationToken)
    {
        switch (recorded.Type)
        {
            case nameof(RemoteCommandRequested) when Read<RemoteCommandRequested>(recorded) is { } requested:
                waiting[requested.CommandId] = new Waiting(requested.ChargePointId, before, null);
                await SendAsync(requested, recorded, cancellationToken).ConfigureAwait(false);
                break;
            case nameof(RemoteCommandSent) when Read<RemoteCommandSent>(recorded) is { } sent && waiting.TryGetValue(sent.CommandId, out var w):
                waiting[sent.CommandId] = w with { SentAt = sent.ReceivedAt };
                break;
            case nameof(RemoteCommandReplied) when Read<RemoteCommandReplied>(recorded) is { } replied:
                waiting.Remove(replied.CommandId);
                break;
            case nameof(RemoteCommandFailed) when Read<RemoteCommandFailed>(recorded) is { } failed:
                waiting.Remove(failed.CommandId);
                break;
            case nameof(RemoteCommandTimedOut) when Read<RemoteCommandTimedOut>(recorded) is { } timedOut:
                waiting.Remove(timedOut.CommandId);
                break;
        }
    }

    private async Task SendAsync(RemoteCommandRequested requested, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        var stream = StreamIds.ChargePoint(requested.ChargePointId);
        var metadata = new EventMetadata(
            recorded.Metadata.CorrelationId ?? recorded.EventId,
            recorded.EventId,
            "dispatcher",
            topics.Downstream(requested.ChargePointId),
            requested.ChargePointId,
            requested.UniqueId,
            ReceivedAt: clock.GetCurrentInstant());
        var published = false;
        await writer.DecideAsync<ChargePointState>(
            stream,
            state => RemoteCommandDecider.Decide(new MarkRemoteCommandSent(requested.ChargePointId, requested.CommandId, clock.GetCurrentInstant()), state),
            MessageIdentity.OfName("sent:" + requested.ChargePointId + ":" + requested.CommandId),
            metadata,
            cancellationToken,
            beforeAppend: async (_, token) =>
            {
                // Publish first: a crash before the Sent is recorded re-sends (at least once) rather than never sending.
                if (!published)
                {
                    await client.PublishAsync(
                        topics.Downstream(requested.ChargePointId),
                        CallFrame(requested),
                        MqttQos.AtLeastOnce,
                        cancellationToken: token).ConfigureAwait(false);
                    published = true;
                    log($"sent {requested.Action} {requested.CommandId} to {requested.ChargePointId}");
                }
            }).ConfigureAwait(false);
    }

    private async Task TimeOutDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        foreach (var (commandId, w) in waiting.Where(w => w.Value.SentAt is { } sentAt && now - sentAt >= timeout).ToList())
        {
            var appended = await writer.DecideAsync<ChargePointState>(
                StreamIds.ChargePoint(w.ChargePointId),
                state => RemoteCommandDecider.Decide(new TimeOutRemoteCommand(w.ChargePointId, commandId, now), state),
                MessageIdentity.OfName("timeout:" + w.ChargePointId + ":" + commandId),
                new EventMetadata(Source: "dispatcher", ChargePointId: w.ChargePointId, ReceivedAt: now),
                cancellationToken).ConfigureAwait(false);
            if (appended > 0)
            {
                log($"remote command {commandId} to {w.ChargePointId} timed out");
            }
        }
    }

    private static byte[] CallFrame(RemoteCommandRequested requested)
    {
        using var payload = JsonDocument.Parse(requested.PayloadJson);
        return OcppMqttCodec.Serialize(new OcppCall(requested.UniqueId, requested.Action.ToString(), payload.RootElement));
    }

    private static T? Read<T>(RecordedEvent recorded) where T : class => EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) as T;

    private sealed record Waiting(string ChargePointId, Checkpoint Before, Instant? SentAt);
}
