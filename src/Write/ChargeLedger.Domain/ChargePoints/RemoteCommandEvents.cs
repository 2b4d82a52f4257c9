using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>Central-System-initiated OCPP actions support staff may issue (exact OCPP action names).</summary>
public enum RemoteAction
{
    RemoteStartTransaction,
    RemoteStopTransaction,
    Reset,
    UnlockConnector,
    ChangeAvailability,
    TriggerMessage,
}

/// <summary>Support staff asked for a call; <see cref="UniqueId"/> is the OCPP message id we send it with, <see cref="PayloadJson"/> the request payload.</summary>
public sealed record RemoteCommandRequested(
    string ChargePointId,
    string CommandId,
    string UniqueId,
    RemoteAction Action,
    string PayloadJson,
    string RequestedBy,
    Instant ReceivedAt) : IChargePointEvent;

public sealed record RemoteCommandSent(string ChargePointId, string CommandId, string UniqueId, Instant ReceivedAt) : IChargePointEvent;

/// <summary>
/// The charge point's CALLRESULT payload for the command. <see cref="Violation"/> (null when valid) says how the payload
/// breaks the official OCPP 1.6 response schema of the action: an invalid answer is still recorded, with its reason.
/// </summary>
public sealed record RemoteCommandReplied(string ChargePointId, string CommandId, string UniqueId, string PayloadJson, Instant ReceivedAt, string? Violation = null) : IChargePointEvent;

/// <summary>The charge point's CALLERROR for the command; <see cref="Violation"/> is set when its ErrorCode is not an OCPP 1.6 code.</summary>
public sealed record RemoteCommandFailed(
    string ChargePointId,
    string CommandId,
    string UniqueId,
    string ErrorCode,
    string ErrorDescription,
    string? ErrorDetailsJson,
    Instant ReceivedAt,
    string? Violation = null) : IChargePointEvent;

public sealed record RemoteCommandTimedOut(string ChargePointId, string CommandId, string UniqueId, Instant ReceivedAt) : IChargePointEvent;
