using System.Text.Json;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>
/// Support-staff calls to a charge point, kept in its <c>chargepoint-{cid}</c> stream so that replies arriving on the
/// Reply topic are correlated by the OCPP UniqueId we sent. Every step is recorded once.
/// </summary>
public static class RemoteCommandDecider
{
    private static readonly IReadOnlyList<object> None = [];

    public static IReadOnlyList<object> Decide(RequestRemoteCommand command, ChargePointState state) =>
        state.Commands.ContainsKey(command.CommandId)
            ? None
            : [new RemoteCommandRequested(command.ChargePointId, command.CommandId, command.UniqueId, command.Action, command.PayloadJson, command.RequestedBy, command.ReceivedAt)];

    public static IReadOnlyList<object> Decide(MarkRemoteCommandSent command, ChargePointState state) =>
        state.Commands.TryGetValue(command.CommandId, out var pending) && pending.Status == RemoteCommandStatus.Requested
            ? [new RemoteCommandSent(command.ChargePointId, command.CommandId, pending.UniqueId, command.ReceivedAt)]
            : None;

    /// <summary>A result for an already answered command is a redelivery (no events); one for no command of ours is rejected as evidence.</summary>
    public static IReadOnlyList<object> Decide(RecordRemoteCommandResult command, ChargePointState state) =>
        state.CommandByUniqueId(command.UniqueId) switch
        {
            { IsAnswered: true } => None,
            { } pending => [new RemoteCommandReplied(command.ChargePointId, pending.CommandId, command.UniqueId, command.PayloadJson, command.ReceivedAt, ResponseViolation(pending.Action, command.PayloadJson))],
            null => Uncorrelated(command.ChargePointId, command.Topic, command.PayloadJson, "CALLRESULT for no pending command", null, command.UniqueId, command.ReceivedAt, state),
        };

    public static IReadOnlyList<object> Decide(RecordRemoteCommandError command, ChargePointState state) =>
        state.CommandByUniqueId(command.UniqueId) switch
        {
            { IsAnswered: true } => None,
            { } pending => [new RemoteCommandFailed(command.ChargePointId, pending.CommandId, command.UniqueId, command.ErrorCode, command.ErrorDescription, command.ErrorDetailsJson, command.ReceivedAt, ErrorCodeViolation(command.ErrorCode))],
            null => Uncorrelated(command.ChargePointId, command.Topic, command.ErrorDetailsJson ?? string.Empty, $"CALLERROR for no pending command: {command.ErrorDescription}", command.ErrorCode, command.UniqueId, command.ReceivedAt, state),
        };

    public static IReadOnlyList<object> Decide(TimeOutRemoteCommand command, ChargePointState state) =>
        state.Commands.TryGetValue(command.CommandId, out var pending) && !pending.IsAnswered
            ? [new RemoteCommandTimedOut(command.ChargePointId, command.CommandId, pending.UniqueId, command.ReceivedAt)]
            : None;

    /// <summary>How a CALLRESULT payload breaks the official 1.6 response schema of the action we sent; null when it is valid.</summary>
    public static string? ResponseViolation(RemoteAction action, string payloadJson)
    {
        try
        {
            using var payload = JsonDocument.Parse(payloadJson);
            return OcppSchemaValidator.Default.ValidateResponse(action.ToString(), payload.RootElement)?.ToString();
        }
        catch (JsonException e)
        {
            return $"{action} response is not JSON: {e.Message}";
        }
    }

    /// <summary>Null when the CALLERROR's code is one of the 1.6 codes (Table 7, 1.6 spellings).</summary>
    public static string? ErrorCodeViolation(string errorCode) =>
        Enum.GetNames<OcppErrorCode>().Contains(errorCode, StringComparer.Ordinal) ? null : $"ErrorCode '{errorCode}' is not an OCPP 1.6 error code";

    private static IReadOnlyList<object> Uncorrelated(string chargePointId, string topic, string raw, string reason, string? errorCode, string uniqueId, NodaTime.Instant receivedAt, ChargePointState state) =>
        ChargePointDecider.Decide(new RejectMessage(chargePointId, topic, System.Text.Encoding.UTF8.GetBytes(raw), reason, errorCode, uniqueId, receivedAt), state);
}
