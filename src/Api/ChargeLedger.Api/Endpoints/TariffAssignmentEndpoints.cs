using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Idempotency;
using ChargeLedger.Api.Problems;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// Which tariff prices a charge point's sessions (stream <c>tariffassignment-{chargePointId}</c>): assignments are never
/// edited, a later one supersedes from its own validity start. Unassigned charge points fall back to tariff <c>default</c>.
/// </summary>
public static class TariffAssignmentEndpoints
{
    private const string Route = "/charge-points/{id}/tariff-assignments";

    public static IEndpointRouteBuilder MapTariffAssignmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, AssignAsync).WithTags("Billing").WithName("AssignTariff")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing))
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Assigns a published tariff to a charge point from a validity start; a later assignment supersedes it, none is edited.");
        app.MapGet(Route, ListAsync).WithTags("Billing").WithName("TariffAssignments")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor))
            .WithSummary("A charge point's tariff assignments in the order made.");
        return app;
    }

    public static async Task<Results<Created<TariffAssignmentsView>, Ok<TariffAssignmentsView>, ProblemHttpResult>> AssignAsync(
        string id, AssignTariffRequest request, HttpContext http, CommandWriter writer, IEventStore store, IClock clock, CancellationToken cancellationToken)
    {
        var (tariffId, validFrom) = TariffScopeLookups.Read(request);
        if (!await TariffScopeLookups.ChargePointExistsAsync(store, id, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("id", $"There is no charge point '{id}'.");
        }
        if (await TariffScopeLookups.TariffAsync(writer, tariffId, cancellationToken).ConfigureAwait(false) is not { } tariff)
        {
            return TariffScopeLookups.UnknownTariff(tariffId);
        }
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.TariffAssignments(id), TariffAssignmentState.Fold,
            state => [.. TariffAssignmentDecider.Decide(new AssignTariff(id, tariffId, validFrom, CommandMetadata.Caller(http), now), state, tariff)],
            CommandMetadata.For(http, now, id), cancellationToken).ConfigureAwait(false);
        var view = await ReadAsync(id, writer, cancellationToken).ConfigureAwait(false) with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0 ? TypedResults.Created(Route.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal), view) : TypedResults.Ok(view);
    }

    public static async Task<Ok<TariffAssignmentsView>> ListAsync(string id, CommandWriter writer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ReadAsync(id, writer, cancellationToken).ConfigureAwait(false));

    // The stream itself answers: assignments are few per charge point and must be exact right after they are made.
    private static async Task<TariffAssignmentsView> ReadAsync(string id, CommandWriter writer, CancellationToken cancellationToken)
    {
        var (events, _) = await writer.LoadAsync(StreamIds.TariffAssignments(id), cancellationToken).ConfigureAwait(false);
        return new TariffAssignmentsView(id, [.. TariffAssignmentState.Fold(events).Assignments
            .Select(a => new TariffAssignmentView(a.ChargePointId, a.TariffId, a.ValidFrom, a.AssignedBy, a.ReceivedAt))]);
    }
}
