using System.Collections.Immutable;
using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Transactions;

/// <summary>State of one <c>transaction-{id}</c> stream; <see cref="Empty"/> (no start) means the id is unknown.</summary>
public sealed record TransactionState(
    TransactionStarted? Start,
    TransactionStopped? Stop,
    ImmutableHashSet<SampleKey> SampleKeys,
    ImmutableHashSet<(long MeterStop, Instant Timestamp)> ConflictingStops,
    long? LastRegisterWh,
    Instant? LastSampleTime,
    Instant? LastActivityAt,
    bool StopMissingFlagged)
{
    public static readonly TransactionState Empty = new(
        null,
        null,
        ImmutableHashSet<SampleKey>.Empty,
        ImmutableHashSet<(long, Instant)>.Empty,
        null,
        null,
        null,
        false);

    /// <summary>True when this transaction was started by <paramref name="chargePointId"/>; otherwise its messages are orphans.</summary>
    public bool BelongsTo(string chargePointId) => Start is { } start && start.ChargePointId == chargePointId;

    public static TransactionState Fold(IEnumerable<object> events) => events.Aggregate(Empty, Evolve);

    public static TransactionState Evolve(TransactionState state, object @event) => @event switch
    {
        TransactionStarted e => state with
        {
            Start = e,
            LastRegisterWh = state.LastRegisterWh ?? e.MeterStart,
            LastActivityAt = Later(state.LastActivityAt, e.ReceivedAt),
        },
        MeterValuesRecorded e => state.WithSamples(e),
        TransactionStopped e => state with { Stop = e, LastActivityAt = Later(state.LastActivityAt, e.ReceivedAt) },
        TransactionAnomalyDetected { Kind: AnomalyKind.ConflictingStop } e when state.Stop is not null =>
            state with { ConflictingStops = state.ConflictingStops.Add(ConflictKey(e)) },
        TransactionAnomalyDetected { Kind: AnomalyKind.StopMissing } => state with { StopMissingFlagged = true },
        _ => state,
    };

    private TransactionState WithSamples(MeterValuesRecorded e)
    {
        var keys = SampleKeys.ToBuilder();
        var lastRegister = LastRegisterWh;
        var lastTime = LastSampleTime;
        foreach (var sample in e.Samples)
        {
            keys.Add(sample.Key);
            if (sample.IsImportRegister && (lastTime is null || sample.Timestamp >= lastTime))
            {
                lastRegister = sample.EnergyWh;
            }

            lastTime = Later(lastTime, sample.Timestamp);
        }

        return this with
        {
            SampleKeys = keys.ToImmutable(),
            LastRegisterWh = lastRegister,
            LastSampleTime = lastTime,
            LastActivityAt = Later(LastActivityAt, e.ReceivedAt),
        };
    }

    private static (long, Instant) ConflictKey(TransactionAnomalyDetected e) => (e.ReadingWh ?? long.MinValue, e.DeviceTime ?? e.ReceivedAt);

    private static Instant Later(Instant? a, Instant b) => a is { } x && x > b ? x : b;
}
