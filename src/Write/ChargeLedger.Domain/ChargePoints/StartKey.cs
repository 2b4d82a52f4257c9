using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>Idempotency key of a StartTransaction within one charge point (idTag compared case-insensitively).</summary>
public readonly record struct StartKey(int ConnectorId, string IdTag, Instant Timestamp, long MeterStart)
{
    public static StartKey Of(int connectorId, string idTag, Instant timestamp, long meterStart) =>
        new(connectorId, idTag.ToUpperInvariant(), timestamp, meterStart);
}
