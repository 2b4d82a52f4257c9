using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// What the endpoints of a place that tariffs are assigned to and charge points belong to (a site, a charge point
/// group) do alike: decide on its own stream and answer with its view, refuse an unknown one, assign a published tariff
/// to it, admit a charge point through the charge point's membership stream.
/// </summary>
internal sealed class TariffScopeEndpoint<TState, TView>(
    string idParameter,
    string noun,
    string collection,
    Func<string, string> streamId,
    Func<IEnumerable<object>, TState> fold,
    Func<TState, bool> registered,
    Func<TState, bool?, TView?> view)
    where TView : class
{
    public async Task<TState> LoadAsync(CommandWriter writer, string id, CancellationToken cancellationToken) =>
        fold((await writer.LoadAsync(streamId(id), cancellationToken).ConfigureAwait(false)).Events);

    public async Task<Results<Ok<TView>, ProblemHttpResult>> GetAsync(string id, CommandWriter writer, CancellationToken cancellationToken) =>
        view(await LoadAsync(writer, id, cancellationToken).ConfigureAwait(false), null) is { } found ? TypedResults.Ok(found) : Unknown(id);

    /// <summary>Decides on the scope's stream: 201 with the view when the command recorded something, 200 when it had been applied already.</summary>
    public async Task<Results<Created<TView>, Ok<TView>>> WriteAsync(
        string id, Func<string, Instant, TState, IReadOnlyList<object>> decide, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var (written, created) = await DecideAsync(id, decide, http, writer, clock, cancellationToken).ConfigureAwait(false);
        return created ? TypedResults.Created(collection + Uri.EscapeDataString(id), written) : TypedResults.Ok(written);
    }

    /// <summary>Assigns a published tariff to a registered scope from a validity start, answered as <see cref="WriteAsync"/> does.</summary>
    public async Task<Results<Created<TView>, Ok<TView>, ProblemHttpResult>> AssignAsync(
        string id, AssignTariffRequest request, Func<string, Instant, TariffState, string, Instant, TState, IReadOnlyList<object>> decide,
        HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var (tariffId, validFrom) = TariffScopeLookups.Read(request);
        if (!registered(await LoadAsync(writer, id, cancellationToken).ConfigureAwait(false)))
        {
            return Unknown(id);
        }
        if (await TariffScopeLookups.TariffAsync(writer, tariffId, cancellationToken).ConfigureAwait(false) is not { } tariff)
        {
            return TariffScopeLookups.UnknownTariff(tariffId);
        }
        var (written, created) = await DecideAsync(id, (by, now, state) => decide(tariffId, validFrom, tariff, by, now, state), http, writer, clock, cancellationToken)
            .ConfigureAwait(false);
        return created ? TypedResults.Created(collection + Uri.EscapeDataString(id), written) : TypedResults.Ok(written);
    }

    /// <summary>Decides on the membership stream of an existing charge point, given this registered scope.</summary>
    public async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> AdmitAsync(
        string id, MembershipRequest request, Func<string, Instant, TState, string, Instant, MembershipState, IReadOnlyList<object>> decide,
        HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken)
    {
        var (chargePointId, validFrom) = TariffScopeLookups.Read(request);
        var scope = await LoadAsync(writer, id, cancellationToken).ConfigureAwait(false);
        if (!registered(scope))
        {
            return Unknown(id);
        }
        if (!await TariffScopeLookups.ChargePointExistsAsync(store, chargePointId, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("chargePointId", $"There is no charge point '{chargePointId}'.");
        }
        return await MembershipEndpoints.DecideAsync(chargePointId, (by, now, state) => decide(chargePointId, validFrom, scope, by, now, state),
            http, writer, clock, cancellationToken).ConfigureAwait(false);
    }

    public ProblemHttpResult Unknown(string id) => ApiProblems.NotFound(idParameter, $"There is no {noun} '{id}'.");

    private async Task<(TView View, bool Created)> DecideAsync(
        string id, Func<string, Instant, TState, IReadOnlyList<object>> decide, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(streamId(id), fold, state => decide(CommandMetadata.Caller(http), now, state),
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var created = write.Events.Count > 0;
        return (view(await LoadAsync(writer, id, cancellationToken).ConfigureAwait(false), created)!, created);
    }
}
