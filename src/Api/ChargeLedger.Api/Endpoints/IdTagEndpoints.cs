using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Registering and blocking idTags (the Central System's local authorization list).</summary>
public static class IdTagEndpoints
{
    private const int MaxIdTagLength = 20; // OCPP CiString20

    public static async Task<Results<Created<IdTagView>, Ok<IdTagView>>> RegisterAsync(
        RegisterIdTagRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var idTag = IdTag(request.IdTag, "idTag");
        var parent = request.ParentIdTag is null ? null : IdTag(request.ParentIdTag, "parentIdTag");
        var expiry = ApiInput.Instant(request.ExpiryDate, "expiryDate");
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.IdTag(idTag), IdTagState.Fold,
            state => IdTagDecider.Decide(new RegisterIdTag(idTag, Blank(request.BillingAccount), expiry, parent, now), state),
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = await ViewAsync(writer, idTag, write.Events.Count > 0, cancellationToken).ConfigureAwait(false);
        return write.Events.Count > 0 && write.StreamVersion == 0 ? TypedResults.Created((string?)null, view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<IdTagView>, ProblemHttpResult>> BlockAsync(
        string idTag, BlockIdTagRequest? request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var tag = IdTag(idTag, "idTag");
        var now = clock.GetCurrentInstant();
        var unknown = false;
        var write = await writer.DecideAsync(StreamIds.IdTag(tag), IdTagState.Fold, state =>
        {
            unknown = !state.Registered;
            return unknown ? [] : IdTagDecider.Decide(new BlockIdTag(tag, Blank(request?.Reason), now), state);
        }, CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        return unknown
            ? ApiProblems.NotFound("idTag", $"The idTag '{tag}' is not registered.")
            : TypedResults.Ok(await ViewAsync(writer, tag, write.Events.Count > 0, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IdTagView> ViewAsync(CommandWriter writer, string idTag, bool changed, CancellationToken cancellationToken)
    {
        var (events, _) = await writer.LoadAsync(StreamIds.IdTag(idTag), cancellationToken).ConfigureAwait(false);
        var state = IdTagState.Fold(events);
        return new IdTagView(StreamIds.IdTagKey(idTag), state.Registered, state.Blocked, state.BillingAccount, state.ExpiryDate, state.ParentIdTag, changed);
    }

    private static string IdTag(string? value, string field)
    {
        var tag = ApiInput.Required(value, field);
        return tag.Length <= MaxIdTagLength ? tag : throw new ApiInputException(field, $"An idTag has at most {MaxIdTagLength} characters.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
