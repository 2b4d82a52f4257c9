namespace ChargeLedger.Domain.ChargePoints;

/// <summary>Configuration for charge point decisions.</summary>
/// <param name="AcceptUnknownChargePoints">Boot of a charge point never registered by <see cref="RegisterChargePoint"/>: Accepted if true, else Rejected.</param>
/// <param name="HeartbeatIntervalSeconds">Interval answered to an accepted BootNotification.</param>
/// <param name="RejectedRetryIntervalSeconds">Interval (retry delay) answered to a rejected BootNotification.</param>
/// <param name="AcceptedDataTransferVendors">DataTransfer vendorIds answered Accepted; others get UnknownVendorId (all are recorded).</param>
public sealed record ChargePointPolicy(
    bool AcceptUnknownChargePoints,
    int HeartbeatIntervalSeconds,
    int RejectedRetryIntervalSeconds,
    IReadOnlySet<string> AcceptedDataTransferVendors)
{
    public static readonly ChargePointPolicy Default = new(true, 300, 600, new HashSet<string>());
}
