using System.Collections.Immutable;
using System.Text.Json;
using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>
/// A <see cref="ChargePointState"/> in a storable shape, so a charge point stream (which grows forever with heartbeats
/// and statuses) is loaded from its latest snapshot plus the events after it. Keys that derive from values
/// (start keys, command ids by UniqueId) are rebuilt rather than stored. Change <see cref="Shape"/> whenever the state
/// or <see cref="ChargePointState.Evolve"/> changes: snapshots of another shape are ignored and the stream is folded again.
/// </summary>
public sealed record ChargePointSnapshot(
    bool Registered,
    ChargePointBooted? LastBoot,
    bool? Connected,
    Instant? ConnectionNoticeTime,
    IReadOnlyList<ConnectorSnapshot> Connectors,
    IReadOnlyList<TransactionIdAssigned> Starts,
    IReadOnlyList<RemoteCommandState> Commands,
    IReadOnlyList<RecentMessageSnapshot> Recent)
{
    public const string Shape = "ChargePointState/1";

    public static ChargePointSnapshot Of(ChargePointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ChargePointSnapshot(
            state.Registered,
            state.LastBoot,
            state.Connected,
            state.ConnectionNoticeTime,
            state.Connectors.OrderBy(c => c.Key).Select(c => new ConnectorSnapshot(c.Key, c.Value)).ToList(),
            state.Starts.Values.OrderBy(s => s.TransactionId).ToList(),
            state.Commands.Values.OrderBy(c => c.CommandId, StringComparer.Ordinal).ToList(),
            state.Recent.Order.Select(key => new RecentMessageSnapshot(key, state.Recent.Replies[key])).ToList());
    }

    public ChargePointState ToState() => new(
        Registered,
        LastBoot,
        Connected,
        ConnectionNoticeTime,
        Connectors.ToImmutableDictionary(c => c.ConnectorId, c => c.State),
        Starts.ToImmutableDictionary(s => StartKey.Of(s.ConnectorId, s.IdTag, s.DeviceTime, s.MeterStart)),
        Commands.ToImmutableDictionary(c => c.CommandId, StringComparer.Ordinal),
        Commands.ToImmutableDictionary(c => c.UniqueId, c => c.CommandId, StringComparer.Ordinal),
        new RecentMessages(
            Recent.ToImmutableDictionary(r => r.Key, r => r.Reply, StringComparer.Ordinal),
            ImmutableQueue.CreateRange(Recent.Select(r => r.Key)),
            Recent.Count));

    public static byte[] Serialize(ChargePointState state) =>
        JsonSerializer.SerializeToUtf8Bytes(Of(state), ChargePointSnapshotJsonContext.Default.ChargePointSnapshot);

    /// <summary>Null when the bytes are not a snapshot of this shape (the caller then folds the stream from the start).</summary>
    public static ChargePointState? Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            // Absent collections deserialize as null (nullable fields are left out when written, so none can be required).
            return JsonSerializer.Deserialize(utf8Json, ChargePointSnapshotJsonContext.Default.ChargePointSnapshot) is { Connectors: not null, Starts: not null, Commands: not null, Recent: not null } snapshot
                ? snapshot.ToState()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record ConnectorSnapshot(int ConnectorId, ConnectorState State);

/// <summary>One entry of <see cref="RecentMessages"/>, in arrival order.</summary>
public sealed record RecentMessageSnapshot(string Key, IdTagInfo? Reply);
