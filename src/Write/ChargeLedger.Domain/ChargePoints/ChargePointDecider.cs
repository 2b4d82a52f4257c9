using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>
/// Decisions on the <c>chargepoint-{cid}</c> stream. Calls without a content key are deduplicated by (action, UniqueId)
/// within <see cref="RecentMessages"/>; a redelivered call yields no events and the same reply.
/// Replies are computed from the state after the decided events were applied.
/// </summary>
public static class ChargePointDecider
{
    private static readonly IReadOnlyList<object> None = [];

    public static IReadOnlyList<object> Decide(RegisterChargePoint command, ChargePointState state) =>
        state.Registered ? None : [new ChargePointRegistered(command.ChargePointId, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(BootNotification command, ChargePointState state, ChargePointPolicy policy)
    {
        if (state.Recent.Contains(nameof(BootNotification), command.UniqueId))
        {
            return None;
        }

        var accepted = state.Registered || policy.AcceptUnknownChargePoints;
        return
        [
            new ChargePointBooted(
                command.ChargePointId,
                command.UniqueId,
                command.Vendor,
                command.Model,
                command.ChargePointSerialNumber,
                command.ChargeBoxSerialNumber,
                command.FirmwareVersion,
                command.Iccid,
                command.Imsi,
                command.MeterType,
                command.MeterSerialNumber,
                accepted ? RegistrationStatus.Accepted : RegistrationStatus.Rejected,
                accepted ? policy.HeartbeatIntervalSeconds : policy.RejectedRetryIntervalSeconds,
                command.ReceivedAt),
        ];
    }

    /// <summary>Status and interval as recorded by the boot; the current time is the receive time of this delivery.</summary>
    public static BootNotificationReply Reply(BootNotification command, ChargePointState stateAfter, ChargePointPolicy policy) =>
        stateAfter.LastBoot is { } boot
            ? new BootNotificationReply(boot.Status, command.ReceivedAt, boot.IntervalSeconds)
            : new BootNotificationReply(RegistrationStatus.Rejected, command.ReceivedAt, policy.RejectedRetryIntervalSeconds);

    public static IReadOnlyList<object> Decide(Heartbeat command, ChargePointState state) =>
        state.Recent.Contains(nameof(Heartbeat), command.UniqueId) ? None : [new HeartbeatReceived(command.ChargePointId, command.UniqueId, command.ReceivedAt)];

    public static HeartbeatReply Reply(Heartbeat command) => new(command.ReceivedAt);

    public static IReadOnlyList<object> Decide(StatusNotification command, ChargePointState state) =>
        state.Recent.Contains(nameof(StatusNotification), command.UniqueId)
            ? None
            :
            [
                new ConnectorStatusReported(
                    command.ChargePointId,
                    command.UniqueId,
                    command.ConnectorId,
                    command.Status,
                    command.ErrorCode,
                    command.Info,
                    command.VendorId,
                    command.VendorErrorCode,
                    command.Timestamp,
                    command.ReceivedAt),
            ];

    /// <summary>Authorize has no device timestamp: expiry is judged against the receive time.</summary>
    public static IReadOnlyList<object> Decide(Authorize command, ChargePointState state, IdTagState idTag) =>
        state.Recent.Contains(nameof(Authorize), command.UniqueId)
            ? None
            : [new AuthorizationAnswered(command.ChargePointId, command.UniqueId, command.IdTag, IdTagDecider.Authorize(idTag, command.ReceivedAt), command.ReceivedAt)];

    /// <summary>The idTagInfo recorded for this UniqueId (so a redelivery gets the first answer); if it has left the window, the current answer.</summary>
    public static AuthorizeReply Reply(Authorize command, ChargePointState stateAfter, IdTagState idTag) =>
        new(stateAfter.Recent.IdTagInfoOf(nameof(Authorize), command.UniqueId) ?? IdTagDecider.Authorize(idTag, command.ReceivedAt));

    public static IReadOnlyList<object> Decide(DataTransfer command, ChargePointState state, ChargePointPolicy policy) =>
        state.Recent.Contains(nameof(DataTransfer), command.UniqueId)
            ? None
            : [new DataTransferReceived(command.ChargePointId, command.UniqueId, command.VendorId, command.MessageId, command.Data, Reply(command, policy).Status, command.ReceivedAt)];

    public static DataTransferReply Reply(DataTransfer command, ChargePointPolicy policy) =>
        new(policy.AcceptedDataTransferVendors.Contains(command.VendorId) ? DataTransferStatus.Accepted : DataTransferStatus.UnknownVendorId, null);

    public static IReadOnlyList<object> Decide(FirmwareStatusNotification command, ChargePointState state) =>
        state.Recent.Contains(nameof(FirmwareStatusNotification), command.UniqueId)
            ? None
            : [new FirmwareStatusReported(command.ChargePointId, command.UniqueId, command.Status, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(DiagnosticsStatusNotification command, ChargePointState state) =>
        state.Recent.Contains(nameof(DiagnosticsStatusNotification), command.UniqueId)
            ? None
            : [new DiagnosticsStatusReported(command.ChargePointId, command.UniqueId, command.Status, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(RecordConnectorMeterValues command, ChargePointState state) =>
        state.Recent.Contains("MeterValues", command.UniqueId)
            ? None
            : [new ConnectorMeterValuesRecorded(command.ChargePointId, command.UniqueId, command.ConnectorId, SampleNormalizer.Normalize(command.MeterValues), command.ReceivedAt)];

    /// <summary>Connection notices carry no id: the same kind of notice with the same broker time seen again is a redelivery.</summary>
    public static IReadOnlyList<object> Decide(NoteConnected command, ChargePointState state) =>
        state.Connected == true && command.BrokerTime is not null && state.ConnectionNoticeTime == command.BrokerTime
            ? None
            : [new ChargePointConnected(command.ChargePointId, command.Detail, command.BrokerTime, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(NoteDisconnected command, ChargePointState state) =>
        state.Connected == false && command.BrokerTime is not null && state.ConnectionNoticeTime == command.BrokerTime
            ? None
            : [new ChargePointDisconnected(command.ChargePointId, command.Reason, command.BrokerTime, command.ReceivedAt)];

    /// <summary>Always recorded, except a redelivery of a rejected message whose UniqueId could be read.</summary>
    public static IReadOnlyList<object> Decide(RejectMessage command, ChargePointState state)
    {
        if (command.UniqueId is { } uniqueId && state.Recent.Contains(nameof(MessageRejected), uniqueId))
        {
            return None;
        }

        var (payload, encoding) = RawPayload.Encode(command.RawPayload.Span);
        return [new MessageRejected(command.ChargePointId ?? string.Empty, command.Topic, payload, encoding, command.Reason, command.ErrorCode, command.UniqueId, command.ReceivedAt)];
    }
}
