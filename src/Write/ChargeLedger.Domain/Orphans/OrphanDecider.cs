using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;

namespace ChargeLedger.Domain.Orphans;

/// <summary>Evidence for messages naming a transaction that is not this charge point's; used by <see cref="TransactionDecider"/>.</summary>
public static class OrphanDecider
{
    private static readonly IReadOnlyList<object> None = [];

    public static OrphanReason ReasonFor(int transactionId, TransactionState transaction) =>
        transactionId <= 0 ? OrphanReason.UnassignedTransactionId
        : transaction.Start is null ? OrphanReason.UnknownTransaction
        : OrphanReason.OtherChargePoint;

    public static IReadOnlyList<object> Decide(StopTransaction command, TransactionState transaction, OrphanState orphans) =>
        orphans.StopKeys.Contains((command.TransactionId, command.MeterStop, command.Timestamp))
            ? None
            :
            [
                new OrphanStopRecorded(
                    command.ChargePointId,
                    command.UniqueId,
                    command.TransactionId,
                    command.MeterStop,
                    command.Timestamp,
                    command.IdTag,
                    command.Reason,
                    ReasonFor(command.TransactionId, transaction),
                    SampleNormalizer.Normalize(command.TransactionData),
                    command.ReceivedAt),
            ];

    public static IReadOnlyList<object> Decide(RecordMeterValues command, TransactionState transaction, OrphanState orphans)
    {
        var fresh = new HashSet<SampleKey>();
        var samples = SampleNormalizer.Normalize(command.MeterValues)
            .Where(s => !orphans.SampleKeys.Contains((command.ConnectorId, command.TransactionId, s.Key)) && fresh.Add(s.Key))
            .ToList();
        return samples.Count == 0
            ? None
            : [new OrphanMeterValuesRecorded(command.ChargePointId, command.UniqueId, command.ConnectorId, command.TransactionId, ReasonFor(command.TransactionId, transaction), samples, command.ReceivedAt)];
    }
}
