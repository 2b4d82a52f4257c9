using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Transactions;

/// <summary>
/// StartTransaction, MeterValues (with a transaction id) and StopTransaction. Decisions may return events for several
/// streams (route each with <see cref="StreamIds.For"/>): the transaction stream, the charge point stream (transaction id
/// assignment and connector release) and the orphan stream. Data is always recorded; anomalies are recorded beside it.
/// </summary>
public static class TransactionDecider
{
    private static readonly IReadOnlyList<object> None = [];

    /// <param name="chargePoint">State of <c>chargepoint-{cid}</c> (start idempotency keys, connector registers).</param>
    /// <param name="idTag">State of <c>idtag-{TAG}</c> for the command's idTag; expiry is judged at the device timestamp.</param>
    public static IReadOnlyList<object> Decide(StartTransaction command, ChargePointState chargePoint, IdTagState idTag, TransactionPolicy policy)
    {
        if (chargePoint.Starts.ContainsKey(StartKey.Of(command.ConnectorId, command.IdTag, command.Timestamp, command.MeterStart)))
        {
            return None;
        }

        // Ids are OCPP 32-bit positive integers; -1 and 0 mean "no id" on the wire and must never be handed out.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(command.AllocatedTransactionId);
        var id = command.AllocatedTransactionId;
        var info = IdTagDecider.Authorize(idTag, command.Timestamp);
        var events = new List<object>
        {
            new TransactionIdAssigned(command.ChargePointId, command.UniqueId, command.ConnectorId, id, command.IdTag, command.MeterStart, command.Timestamp, info, command.ReceivedAt),
            new TransactionStarted(id, command.ChargePointId, command.UniqueId, command.ConnectorId, command.IdTag, command.MeterStart, command.ReservationId, command.Timestamp, info, command.ReceivedAt),
        };
        var anomalies = new Anomalies(events, id, command.ChargePointId, command.UniqueId, command.ReceivedAt);
        if (info.Status != AuthorizationStatus.Accepted)
        {
            anomalies.Add(AnomalyKind.IdTagNotAccepted, $"idTag {command.IdTag} answered {info.Status}", null, null, command.Timestamp);
        }

        var connector = chargePoint.Connector(command.ConnectorId);
        if (connector.OpenTransactionId is { } open)
        {
            anomalies.Add(AnomalyKind.ConnectorBusy, $"connector {command.ConnectorId} still has open transaction {open}", null, null, command.Timestamp);
        }

        if (connector.LastRegisterWh is { } last)
        {
            if (command.MeterStart - last > policy.MeterStartJumpThresholdWh)
            {
                anomalies.Add(AnomalyKind.MeterStartAboveLastRegister, $"meterStart {command.MeterStart} Wh is {command.MeterStart - last} Wh above the last known register", command.MeterStart, last, command.Timestamp);
            }
            else if (command.MeterStart < last)
            {
                anomalies.Add(AnomalyKind.MeterRegisterBackwards, $"meterStart {command.MeterStart} Wh below the last known register", command.MeterStart, last, command.Timestamp);
            }
        }

        anomalies.CheckFuture(command.Timestamp, policy);
        if (connector.LastTransactionTime is { } previous && command.Timestamp < previous)
        {
            anomalies.Add(AnomalyKind.TimestampBeforePrevious, $"start timestamp before the connector's previous transaction event at {previous}", null, null, command.Timestamp);
        }

        return events;
    }

    /// <summary>The transaction id and idTagInfo recorded for this start's idempotency key (same answer for every re-send).</summary>
    public static StartTransactionReply Reply(StartTransaction command, ChargePointState chargePointAfter) =>
        chargePointAfter.Starts.TryGetValue(StartKey.Of(command.ConnectorId, command.IdTag, command.Timestamp, command.MeterStart), out var assigned)
            ? new StartTransactionReply(assigned.TransactionId, assigned.IdTagInfo)
            : throw new InvalidOperationException("Reply needs the charge point state after the start's events were applied.");

    /// <param name="transaction">State of <c>transaction-{TransactionId}</c>.</param>
    /// <param name="orphans">State of <c>orphans-{cid}</c>, used when the transaction is not this charge point's.</param>
    public static IReadOnlyList<object> Decide(RecordMeterValues command, TransactionState transaction, OrphanState orphans, TransactionPolicy policy)
    {
        if (!transaction.BelongsTo(command.ChargePointId))
        {
            return OrphanDecider.Decide(command, transaction, orphans);
        }

        var events = new List<object>();
        var anomalies = new Anomalies(events, transaction.Start!.TransactionId, command.ChargePointId, command.UniqueId, command.ReceivedAt);
        RecordSamples(events, anomalies, transaction, command.ConnectorId, MeterValuesSource.MeterValues, command.MeterValues, policy);
        return events;
    }

    /// <param name="idTag">State of <c>idtag-{TAG}</c> for the stop's idTag (<see cref="IdTagState.Unknown"/> when it has none).</param>
    public static IReadOnlyList<object> Decide(StopTransaction command, TransactionState transaction, OrphanState orphans, IdTagState idTag, TransactionPolicy policy)
    {
        if (!transaction.BelongsTo(command.ChargePointId))
        {
            return OrphanDecider.Decide(command, transaction, orphans);
        }

        var start = transaction.Start!;
        var events = new List<object>();
        var anomalies = new Anomalies(events, start.TransactionId, command.ChargePointId, command.UniqueId, command.ReceivedAt);
        RecordSamples(events, anomalies, transaction, start.ConnectorId, MeterValuesSource.StopTransactionData, command.TransactionData, policy);
        if (transaction.Stop is { } stopped)
        {
            // A retried stop must never be counted twice (CitrineOS #880): only a different one is worth a flag.
            var conflicting = (stopped.MeterStop != command.MeterStop || stopped.DeviceTime != command.Timestamp)
                && !transaction.ConflictingStops.Contains((command.MeterStop, command.Timestamp));
            if (conflicting)
            {
                anomalies.Add(AnomalyKind.ConflictingStop, $"second stop (meterStop {command.MeterStop} Wh at {command.Timestamp}) ignored; applied stop has meterStop {stopped.MeterStop} Wh at {stopped.DeviceTime}", command.MeterStop, stopped.MeterStop, command.Timestamp);
            }

            return events;
        }

        var info = command.IdTag is null ? null : IdTagDecider.Authorize(idTag, command.Timestamp);
        events.Add(new TransactionStopped(
            start.TransactionId,
            command.ChargePointId,
            command.UniqueId,
            start.MeterStart,
            command.MeterStop,
            command.MeterStop - start.MeterStart,
            command.Timestamp,
            command.IdTag,
            command.Reason ?? "Local",
            info,
            command.ReceivedAt));
        events.Add(new ConnectorReleased(command.ChargePointId, start.ConnectorId, start.TransactionId, command.MeterStop, command.Timestamp, command.ReceivedAt));
        if (command.MeterStop < start.MeterStart)
        {
            anomalies.Add(AnomalyKind.MeterStopBelowMeterStart, $"meterStop {command.MeterStop} Wh below meterStart {start.MeterStart} Wh", command.MeterStop, start.MeterStart, command.Timestamp);
        }
        else if (transaction.LastRegisterWh is { } last && command.MeterStop < last)
        {
            anomalies.Add(AnomalyKind.MeterRegisterBackwards, $"meterStop {command.MeterStop} Wh below the last recorded register", command.MeterStop, last, command.Timestamp);
        }

        anomalies.CheckFuture(command.Timestamp, policy);
        if (command.Timestamp < start.DeviceTime)
        {
            anomalies.Add(AnomalyKind.TimestampBeforePrevious, $"stop timestamp before the start at {start.DeviceTime}", null, null, command.Timestamp);
        }

        return events;
    }

    public static StopTransactionReply Reply(StopTransaction command, TransactionState transactionAfter) =>
        new(transactionAfter.BelongsTo(command.ChargePointId) ? transactionAfter.Stop?.IdTagInfo : null);

    public static IReadOnlyList<object> Decide(CheckTransactionStop command, TransactionState transaction, TransactionPolicy policy)
    {
        if (transaction.Start is not { } start || transaction.Stop is not null || transaction.StopMissingFlagged
            || transaction.LastActivityAt is not { } lastActivity || command.ReceivedAt - lastActivity < policy.StopMissingAfter)
        {
            return None;
        }

        return
        [
            new TransactionAnomalyDetected(start.TransactionId, start.ChargePointId, null, AnomalyKind.StopMissing, $"no stop and no activity since {lastActivity}", null, null, null, command.ReceivedAt),
        ];
    }

    /// <remarks>
    /// Periodic values are checked against the transaction's last reading; stop transactionData (which repeats the
    /// Transaction.Begin sample) only against the start's meterStart and timestamp.
    /// </remarks>
    private static void RecordSamples(
        List<object> events,
        Anomalies anomalies,
        TransactionState transaction,
        int connectorId,
        MeterValuesSource source,
        IReadOnlyList<MeterValueInput> meterValues,
        TransactionPolicy policy)
    {
        var fresh = new HashSet<SampleKey>();
        var samples = SampleNormalizer.Normalize(meterValues)
            .Where(s => !transaction.SampleKeys.Contains(s.Key) && fresh.Add(s.Key))
            .ToList();
        if (samples.Count == 0)
        {
            return;
        }

        var start = transaction.Start!;
        events.Add(new MeterValuesRecorded(start.TransactionId, anomalies.ChargePointId, anomalies.UniqueId, connectorId, source, samples, anomalies.ReceivedAt));
        var periodic = source == MeterValuesSource.MeterValues;
        var lastRegister = periodic ? transaction.LastRegisterWh : start.MeterStart;
        var lastTime = periodic ? transaction.LastSampleTime ?? start.DeviceTime : start.DeviceTime;
        foreach (var sample in samples.OrderBy(s => s.Timestamp))
        {
            anomalies.CheckFuture(sample.Timestamp, policy);
            if (sample.Timestamp < lastTime)
            {
                anomalies.Add(AnomalyKind.TimestampBeforePrevious, $"{sample.Measurand} sampled before the previous reading at {lastTime}", null, null, sample.Timestamp);
            }

            if (sample.IsImportRegister)
            {
                if (lastRegister is { } previous && sample.EnergyWh < previous)
                {
                    anomalies.Add(AnomalyKind.MeterRegisterBackwards, $"register {sample.EnergyWh} Wh below the previous {previous} Wh", sample.EnergyWh, previous, sample.Timestamp);
                }

                lastRegister = sample.EnergyWh;
            }

            lastTime = sample.Timestamp > lastTime ? sample.Timestamp : lastTime;
        }
    }

    /// <summary>Collects anomalies of one decision, at most one per kind so a bad batch does not flood the stream.</summary>
    private sealed class Anomalies(List<object> events, int transactionId, string chargePointId, string uniqueId, Instant receivedAt)
    {
        private readonly HashSet<AnomalyKind> seen = [];

        public string ChargePointId => chargePointId;

        public string UniqueId => uniqueId;

        public Instant ReceivedAt => receivedAt;

        public void Add(AnomalyKind kind, string detail, long? readingWh, long? referenceWh, Instant? deviceTime)
        {
            if (seen.Add(kind))
            {
                events.Add(new TransactionAnomalyDetected(transactionId, chargePointId, uniqueId, kind, detail, readingWh, referenceWh, deviceTime, receivedAt));
            }
        }

        public void CheckFuture(Instant deviceTime, TransactionPolicy policy)
        {
            if (deviceTime > receivedAt + policy.FutureTolerance)
            {
                Add(AnomalyKind.TimestampInFuture, $"device time {deviceTime} is {(deviceTime - receivedAt).TotalSeconds:0} s after receipt", null, null, deviceTime);
            }
        }
    }
}
