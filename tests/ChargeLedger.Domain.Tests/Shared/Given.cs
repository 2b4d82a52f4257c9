using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;

namespace ChargeLedger.Domain.Tests.Shared;

/// <summary>Common facts for the decider tests: one charge point, one accepted tag, a fixed receive time.</summary>
internal static class Given
{
    public const string Cid = "CP-1";
    public const string Tag = "TAG-1";
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 21, 10, 0);

    public static IdTagState AcceptedTag => IdTagState.Fold([new IdTagRegistered(Tag, "ACC-1", null, null, Now - Duration.FromDays(30))]);

    public static StartTransaction Start(int allocatedId = 1001, long meterStart = 5_000, int connector = 1, string idTag = Tag, Instant? timestamp = null, string uniqueId = "s-1") =>
        new(Cid, uniqueId, connector, idTag, meterStart, null, timestamp ?? Now - Duration.FromMinutes(1), allocatedId, Now);

    public static MeterValueInput Register(Instant at, string value, string? unit = null, string? context = null) =>
        new(at, [new SampledValueInput(value, context, null, null, null, null, unit)]);

    public static RecordMeterValues MeterValues(int transactionId, params MeterValueInput[] values) =>
        new(Cid, "mv-" + Guid.NewGuid().ToString("N"), 1, transactionId, values, Now);

    public static StopTransaction Stop(int transactionId, long meterStop, Instant? timestamp = null, string? idTag = Tag, params MeterValueInput[] data) =>
        new(Cid, "stop-" + Guid.NewGuid().ToString("N"), transactionId, meterStop, timestamp ?? Now, idTag, null, data, Now);

    /// <summary>Applies a start to fresh states and returns the charge point and transaction states after it.</summary>
    public static (ChargePointState ChargePoint, TransactionState Transaction) Started(StartTransaction start, ChargePointState? chargePoint = null)
    {
        var events = TransactionDecider.Decide(start, chargePoint ?? ChargePointState.Empty, AcceptedTag, TransactionPolicy.Default);
        return (Fold(chargePoint ?? ChargePointState.Empty, events), TransactionState.Fold(events));
    }

    public static ChargePointState Fold(ChargePointState state, IEnumerable<object> events) => events.Aggregate(state, ChargePointState.Evolve);

    public static TransactionState Fold(TransactionState state, IEnumerable<object> events) => events.Aggregate(state, TransactionState.Evolve);

    public static OrphanState Fold(OrphanState state, IEnumerable<object> events) => events.Aggregate(state, OrphanState.Evolve);

    public static IReadOnlyList<TransactionAnomalyDetected> Anomalies(IEnumerable<object> events) => events.OfType<TransactionAnomalyDetected>().ToList();
}
