using ChargeLedger.Domain.ChargePoints;
using NodaTime;

namespace ChargeLedger.Projections.LiveStatus;

/// <summary>A reading taken at a device time (W for power, Wh for energy).</summary>
internal readonly record struct TimedReading(Instant At, decimal Value);

/// <summary>What one batch changes about a charge point; null members leave the stored value as it is.</summary>
internal sealed class ChargePointChange(string chargePointId)
{
    public string ChargePointId { get; } = chargePointId;

    public ChargePointBooted? Boot { get; set; }

    public Instant? SeenAt { get; set; }

    public Instant? DeviceTime { get; set; }

    public string? MessageType { get; set; }

    public Instant? ConnectedAt { get; set; }

    public string? ConnectDetail { get; set; }

    public Instant? DisconnectedAt { get; set; }

    public string? DisconnectReason { get; set; }

    public long Position { get; set; }
}

/// <summary>What one batch changes about a connector.</summary>
internal sealed class ConnectorChange(string chargePointId, int connectorId, Instant updatedAt)
{
    public string ChargePointId { get; } = chargePointId;

    public int ConnectorId { get; } = connectorId;

    public ConnectorStatusReported? Status { get; set; }

    /// <summary>The batch set the current transaction (to <see cref="TransactionId"/>, possibly null after its release).</summary>
    public bool HasTransaction { get; set; }

    public int? TransactionId { get; set; }

    /// <summary>A transaction released without the batch knowing the current one: cleared only if it is still the stored one.</summary>
    public int? ReleasedTransactionId { get; set; }

    public TimedReading? Power { get; set; }

    public TimedReading? Energy { get; set; }

    public Instant UpdatedAt { get; set; } = updatedAt;
}
