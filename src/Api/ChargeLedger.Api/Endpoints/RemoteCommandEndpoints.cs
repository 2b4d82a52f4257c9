using System.Text.Json;
using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// Remote commands to a charge point: recorded as <see cref="RemoteCommandRequested"/> in its stream; the ingest host's
/// dispatcher sends the call and records the reply, so the state is read back from the same stream.
/// </summary>
public static class RemoteCommandEndpoints
{
    public static async Task<Results<Accepted<RemoteCommandAccepted>, ProblemHttpResult>> RequestAsync(
        string id, string action, JsonElement? payload, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var remoteAction = ApiInput.Enum<RemoteAction>(action, "action");
        var payloadJson = RemoteCommandPayload.Validate(remoteAction, payload);
        var stream = StreamIds.ChargePoint(id);
        var now = clock.GetCurrentInstant();
        var commandId = Guid.CreateVersion7().ToString();
        var unknown = false;
        await writer.DecideAsync(stream, ChargePointState.Fold, state =>
        {
            // A charge point we have never heard from has nothing to receive the call.
            unknown = ReferenceEquals(state, ChargePointState.Empty);
            return unknown
                ? []
                : RemoteCommandDecider.Decide(new RequestRemoteCommand(id, commandId, commandId, remoteAction, payloadJson, CommandMetadata.Caller(http), now), state);
        }, CommandMetadata.For(http, now, id), cancellationToken).ConfigureAwait(false);
        if (unknown)
        {
            return ApiProblems.NotFound("id", $"There is no charge point '{id}'.");
        }
        return TypedResults.Accepted($"/charge-points/{Uri.EscapeDataString(id)}/commands/{commandId}",
            new RemoteCommandAccepted(commandId, id, remoteAction.ToString(), commandId, nameof(RemoteCommandStatus.Requested)));
    }

    public static async Task<Results<Ok<RemoteCommandView>, ProblemHttpResult>> GetAsync(
        string id, string commandId, CommandWriter writer, CancellationToken cancellationToken)
    {
        var (events, version) = await writer.LoadAsync(StreamIds.ChargePoint(id), cancellationToken).ConfigureAwait(false);
        if (version < 0)
        {
            return ApiProblems.NotFound("id", $"There is no charge point '{id}'.");
        }
        RemoteCommandView? view = null;
        foreach (var e in events)
        {
            view = e switch
            {
                RemoteCommandRequested r when r.CommandId == commandId => new RemoteCommandView(
                    r.CommandId, r.ChargePointId, r.Action.ToString(), r.UniqueId, nameof(RemoteCommandStatus.Requested),
                    Json(r.PayloadJson) ?? default, r.RequestedBy, r.ReceivedAt, null, null, null, null),
                RemoteCommandSent s when s.CommandId == commandId && view is not null =>
                    view with { Status = nameof(RemoteCommandStatus.Sent), SentAt = s.ReceivedAt },
                RemoteCommandReplied r when r.CommandId == commandId && view is not null =>
                    view with { Status = nameof(RemoteCommandStatus.Replied), AnsweredAt = r.ReceivedAt, Response = Json(r.PayloadJson) },
                RemoteCommandFailed f when f.CommandId == commandId && view is not null =>
                    view with
                    {
                        Status = nameof(RemoteCommandStatus.Failed),
                        AnsweredAt = f.ReceivedAt,
                        Error = new RemoteCommandError(f.ErrorCode, f.ErrorDescription, Json(f.ErrorDetailsJson)),
                    },
                RemoteCommandTimedOut t when t.CommandId == commandId && view is not null =>
                    view with { Status = nameof(RemoteCommandStatus.TimedOut), AnsweredAt = t.ReceivedAt },
                _ => view,
            };
        }
        return view is null ? ApiProblems.NotFound("commandId", $"Charge point '{id}' has no command '{commandId}'.") : TypedResults.Ok(view);
    }

    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text); // kept as recorded, as a string
        }
    }
}
