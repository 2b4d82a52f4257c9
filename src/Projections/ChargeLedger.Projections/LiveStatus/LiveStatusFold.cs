using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Projections.DomainEvents;
using NodaTime;

namespace ChargeLedger.Projections.LiveStatus;

/// <summary>Folds a batch of domain events into one change per charge point and per connector.</summary>
internal sealed class LiveStatusFold
{
    private const string PowerActiveImport = "Power.Active.Import";

    public Dictionary<string, ChargePointChange> ChargePoints { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string, int), ConnectorChange> Connectors { get; } = [];

    public void Apply(DecodedEvent decoded)
    {
        var domainEvent = decoded.Event;
        if (ChargePointOf(domainEvent) is not { Length: > 0 } chargePointId)
        {
            return;
        }
        var chargePoint = ChargePoint(chargePointId);
        chargePoint.Position = decoded.Recorded.Position;
        var receivedAt = ((IDomainEvent)domainEvent).ReceivedAt;
        if (IsTraffic(domainEvent) && (chargePoint.SeenAt is null || receivedAt >= chargePoint.SeenAt))
        {
            chargePoint.SeenAt = receivedAt;
            chargePoint.MessageType = decoded.Recorded.Type;
            chargePoint.DeviceTime = decoded.Recorded.Metadata.DeviceTime;
        }
        switch (domainEvent)
        {
            case ChargePointBooted boot:
                chargePoint.Boot = boot;
                break;
            case ChargePointConnected connected:
                chargePoint.ConnectedAt = connected.ReceivedAt;
                chargePoint.ConnectDetail = connected.Detail;
                break;
            case ChargePointDisconnected disconnected:
                chargePoint.DisconnectedAt = disconnected.ReceivedAt;
                chargePoint.DisconnectReason = disconnected.Reason;
                break;
            case ConnectorStatusReported status:
                Connector(chargePointId, status.ConnectorId, receivedAt).Status = status;
                break;
            case TransactionStarted started:
                var startedOn = Connector(chargePointId, started.ConnectorId, receivedAt);
                startedOn.HasTransaction = true;
                startedOn.TransactionId = started.TransactionId;
                startedOn.ReleasedTransactionId = null;
                Register(startedOn, started.DeviceTime, started.MeterStart);
                break;
            case ConnectorReleased released:
                var releasedOn = Connector(chargePointId, released.ConnectorId, receivedAt);
                if (releasedOn.HasTransaction)
                {
                    releasedOn.TransactionId = releasedOn.TransactionId == released.TransactionId ? null : releasedOn.TransactionId;
                }
                else
                {
                    releasedOn.ReleasedTransactionId = released.TransactionId;
                }
                Register(releasedOn, released.DeviceTime, released.MeterStop);
                break;
            case MeterValuesRecorded values:
                Samples(Connector(chargePointId, values.ConnectorId, receivedAt), values.Samples);
                break;
            case ConnectorMeterValuesRecorded values:
                Samples(Connector(chargePointId, values.ConnectorId, receivedAt), values.Samples);
                break;
        }
    }

    /// <summary>Messages the charge point sent (or its connection coming up); staff commands and broker disconnect notices are not.</summary>
    private static bool IsTraffic(object domainEvent) => domainEvent is not (
        ChargePointRegistered or ChargePointDisconnected or RemoteCommandRequested or RemoteCommandSent or RemoteCommandTimedOut
        or TransactionAnomalyDetected { UniqueId: null });

    private static string? ChargePointOf(object domainEvent) => domainEvent switch
    {
        IChargePointEvent e => e.ChargePointId,
        IOrphanEvent e => e.ChargePointId,
        TransactionStarted e => e.ChargePointId,
        MeterValuesRecorded e => e.ChargePointId,
        TransactionStopped e => e.ChargePointId,
        TransactionAnomalyDetected e => e.ChargePointId,
        _ => null,
    };

    private static void Samples(ConnectorChange connector, IReadOnlyList<RecordedSample> samples)
    {
        if (Latest(samples, s => s.IsImportRegister ? s.EnergyWh : null) is { } energy)
        {
            Register(connector, energy.At, (long)energy.Value);
        }
        if (Latest(samples, PowerInWatts) is { } power && (connector.Power is null || power.At >= connector.Power.Value.At))
        {
            connector.Power = power;
        }
    }

    private static void Register(ConnectorChange connector, Instant at, long wh)
    {
        if (connector.Energy is null || at >= connector.Energy.Value.At)
        {
            connector.Energy = new TimedReading(at, wh);
        }
    }

    private static decimal? PowerInWatts(RecordedSample sample) =>
        sample.Measurand != PowerActiveImport || sample.Number is not { } number ? null
        : sample.Unit == "kW" ? number * 1000m
        : sample.Unit == "W" ? number
        : null;

    /// <summary>The latest value among the samples: the phase-less one, or the sum of the phases when only those were sent.</summary>
    private static TimedReading? Latest(IReadOnlyList<RecordedSample> samples, Func<RecordedSample, decimal?> value)
    {
        TimedReading? latest = null;
        foreach (var group in samples.Where(s => value(s) is not null).GroupBy(s => s.Timestamp))
        {
            if (latest is not null && group.Key < latest.Value.At)
            {
                continue;
            }
            var total = group.FirstOrDefault(s => s.Phase is null) is { } whole
                ? value(whole)!.Value
                : group.Where(s => s.Phase is "L1" or "L2" or "L3").Sum(s => value(s)!.Value);
            latest = new TimedReading(group.Key, total);
        }
        return latest;
    }

    private ChargePointChange ChargePoint(string chargePointId)
    {
        if (!ChargePoints.TryGetValue(chargePointId, out var change))
        {
            change = new ChargePointChange(chargePointId);
            ChargePoints.Add(chargePointId, change);
        }
        return change;
    }

    private ConnectorChange Connector(string chargePointId, int connectorId, Instant receivedAt)
    {
        if (!Connectors.TryGetValue((chargePointId, connectorId), out var change))
        {
            change = new ConnectorChange(chargePointId, connectorId, receivedAt);
            Connectors.Add((chargePointId, connectorId), change);
        }
        else if (receivedAt > change.UpdatedAt)
        {
            change.UpdatedAt = receivedAt;
        }
        return change;
    }
}
