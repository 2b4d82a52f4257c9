using NodaTime;

namespace ChargeLedger.Domain.Transactions;

/// <summary>Anomaly thresholds.</summary>
/// <param name="MeterStartJumpThresholdWh">meterStart more than this above the connector's last known register is flagged.</param>
/// <param name="FutureTolerance">Device timestamps later than receive time + this are flagged (clock skew allowance).</param>
/// <param name="StopMissingAfter">An open transaction without activity for this long is flagged by <see cref="CheckTransactionStop"/>.</param>
public sealed record TransactionPolicy(long MeterStartJumpThresholdWh, Duration FutureTolerance, Duration StopMissingAfter)
{
    public static readonly TransactionPolicy Default = new(100_000, Duration.FromMinutes(5), Duration.FromHours(24));
}
