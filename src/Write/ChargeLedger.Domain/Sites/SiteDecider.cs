using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Domain.Sites;

/// <summary>Pure decider of a site: its registration and its tariff assignments (the assigned tariff's state is passed in).</summary>
public static class SiteDecider
{
    public static IReadOnlyList<ISiteEvent> Decide(RegisterSite command, SiteState state)
    {
        var siteId = ScopeIds.Check(command.SiteId, "siteId");
        var name = ScopeIds.Name(command.Name);
        var zone = command.TimeZoneId?.Trim();
        if (zone is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            throw new CommandRejectedException("timeZoneId", $"'{command.TimeZoneId}' is not a tzdb zone id");
        var address = string.IsNullOrWhiteSpace(command.Address) ? null : command.Address.Trim();
        if (state.Registration is { } registered)
        {
            return registered.Name == name && registered.TimeZoneId == zone && registered.Address == address
                ? []
                : throw new CommandRejectedException("siteId", $"site {siteId} is already registered with other details; sites are never edited");
        }
        return [new SiteRegistered(siteId, name, zone, address, command.RegisteredBy, command.ReceivedAt)];
    }

    /// <summary>
    /// The tariff's time-of-day bands are evaluated in the tariff's zone, so a tariff whose latest version is in another
    /// zone than the site's is refused: it would price the site's evenings by another clock.
    /// </summary>
    public static IReadOnlyList<ISiteEvent> Decide(AssignSiteTariff command, SiteState state, TariffState tariff)
    {
        if (state.Registration is not { } site)
            throw new CommandRejectedException("siteId", $"there is no site {command.SiteId}");
        if (tariff.Latest is { } latest && latest.TimeZoneId != site.TimeZoneId)
            throw new CommandRejectedException("tariffId", $"tariff {latest.TariffId} is in time zone {latest.TimeZoneId}, the site in {site.TimeZoneId}");
        return TariffAssignmentRules.IsNew(state.Assignments, command.TariffId, command.ValidFrom, tariff)
            ? [new SiteTariffAssigned(command.SiteId, command.TariffId!, command.ValidFrom, command.AssignedBy, command.ReceivedAt)]
            : [];
    }
}
