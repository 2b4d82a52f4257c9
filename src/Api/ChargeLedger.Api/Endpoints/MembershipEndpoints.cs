using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Security;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>
/// A charge point's site and group membership (stream <c>membership-{chargePointId}</c>) and which assignment prices a
/// session starting at a given instant: the charge point's own, else its group's, else its site's (as the ledger resolves it).
/// </summary>
public static class MembershipEndpoints
{
    private const string Route = "/charge-points/{id}";

    public static IEndpointRouteBuilder MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route + "/memberships", ListAsync).WithTags("Billing").WithName("ChargePointMemberships")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor))
            .WithSummary("A charge point's site and group timelines in the order made.");
        app.MapGet(Route + "/tariff-resolution", ResolveAsync).WithTags("Billing").WithName("TariffResolution")
            .RequireAuthorization(Audiences.Policy(ApiRoles.Billing, ApiRoles.Auditor))
            .WithSummary("The tariff assignment (charge point > group > site) pricing a session that starts at 'at' (default now); none means the 'default' tariff.");
        return app;
    }

    public static async Task<Ok<MembershipsView>> ListAsync(string id, CommandWriter writer, CancellationToken cancellationToken) =>
        TypedResults.Ok(TariffScopeLookups.View(id, await TariffScopeLookups.MembershipAsync(writer, id, cancellationToken).ConfigureAwait(false)));

    public static async Task<Ok<TariffResolutionView>> ResolveAsync(string id, string? at, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var instant = ApiInput.Instant(at, "at") ?? clock.GetCurrentInstant();
        var membership = await TariffScopeLookups.MembershipAsync(writer, id, cancellationToken).ConfigureAwait(false);
        var (own, _) = await writer.LoadAsync(StreamIds.TariffAssignments(id), cancellationToken).ConfigureAwait(false);
        var group = membership.GroupAt(instant);
        var site = membership.SiteAt(instant);
        var groupAssignments = group is null ? [] : (await ChargePointGroupEndpoints.Scope.LoadAsync(writer, group.GroupId, cancellationToken).ConfigureAwait(false)).Assignments;
        var siteAssignments = site is null ? [] : (await SiteEndpoints.Scope.LoadAsync(writer, site.SiteId, cancellationToken).ConfigureAwait(false)).Assignments;
        var resolved = TariffResolution.Resolve(id, TariffAssignmentState.Fold(own).Assignments, membership,
            _ => groupAssignments, _ => siteAssignments, instant);
        return TypedResults.Ok(new TariffResolutionView(id, instant, resolved?.Scope, resolved?.ScopeId, resolved?.Assignment.TariffId,
            resolved?.Assignment.ValidFrom, site?.SiteId, group?.GroupId));
    }

    /// <summary>Decides on a charge point's membership stream and answers with its timelines, 201 when the command recorded a change.</summary>
    internal static async Task<Results<Created<MembershipsView>, Ok<MembershipsView>, ProblemHttpResult>> DecideAsync(
        string chargePointId, Func<string, Instant, MembershipState, IReadOnlyList<object>> decide, HttpContext http, CommandWriter writer, IClock clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamIds.Membership(chargePointId), MembershipState.Fold, state => decide(CommandMetadata.Caller(http), now, state),
            CommandMetadata.For(http, now, chargePointId), cancellationToken).ConfigureAwait(false);
        var view = TariffScopeLookups.View(chargePointId, await TariffScopeLookups.MembershipAsync(writer, chargePointId, cancellationToken).ConfigureAwait(false))
            with { Created = write.Events.Count > 0 };
        return write.Events.Count > 0
            ? TypedResults.Created($"/charge-points/{Uri.EscapeDataString(chargePointId)}/memberships", view)
            : TypedResults.Ok(view);
    }
}
