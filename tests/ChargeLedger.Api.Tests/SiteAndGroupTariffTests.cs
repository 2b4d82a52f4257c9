using System.Net;
using System.Text.Json;
using NodaTime;
using static ChargeLedger.Api.Tests.TariffScenario;

namespace ChargeLedger.Api.Tests;

/// <summary>
/// Tariffs assigned per site and per group through the API: charge point &gt; group &gt; site &gt; default, as it all
/// stood at the session's start.
/// </summary>
public sealed class SiteAndGroupTariffTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly Instant TenDaysAgo = Now - Duration.FromDays(10);

    private async Task<string> SiteAsync(string? tariffId = null, Instant? validFrom = null)
    {
        var siteId = NewId("site");
        using var billing = api.Client("billing");
        using (var registered = await billing.PostJsonAsync("/sites", new { siteId, name = "Hafen " + siteId, timeZoneId = "Europe/Berlin", address = "Am Kai 1" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        if (tariffId is not null)
        {
            using var assigned = await billing.PostJsonAsync($"/sites/{siteId}/tariff-assignments", new { tariffId, validFrom = Iso(validFrom ?? TenDaysAgo) });
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        }
        return siteId;
    }

    private async Task<string> PlacedChargePointAsync(string siteId)
    {
        var cid = await api.ChargePointAsync();
        using var placed = await api.Client("billing").PostJsonAsync($"/sites/{siteId}/charge-points", new { chargePointId = cid, validFrom = Iso(TenDaysAgo) });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return cid;
    }

    private async Task<JsonElement> ResolutionAsync(string cid, Instant at)
    {
        using var response = await api.Client("auditor").GetAsync($"/charge-points/{cid}/tariff-resolution?at={Uri.EscapeDataString(Iso(at))}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task GivenASiteWithATariff_WhenSessionsRunAtItsChargePoints_ThenTheSiteTariffPricesThemUnlessTheChargePointHasItsOwn()
    {
        await api.PublishAsync("default", "0.40");
        await api.PublishAsync("site-flat", "0.25");
        await api.PublishAsync("fast", "0.60");
        var siteId = await SiteAsync("site-flat");
        var plain = await PlacedChargePointAsync(siteId);
        var own = await PlacedChargePointAsync(siteId);
        using (var assigned = await api.Client("billing").PostJsonAsync($"/charge-points/{own}/tariff-assignments", new { tariffId = "fast", validFrom = Iso(TenDaysAgo) }))
        {
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        }
        var atPlain = await api.SessionAsync(plain, Now - Duration.FromHours(2));
        var atOwn = await api.SessionAsync(own, Now - Duration.FromHours(2));

        await api.ProjectAllAsync();

        Assert.Equal("2.50", await api.CostAsync(atPlain)); // 10 kWh × 0.25 (the site's), VAT 0 %
        Assert.Equal("6.00", await api.CostAsync(atOwn)); // 10 kWh × 0.60 (the charge point's own)
        var resolved = await ResolutionAsync(plain, Now - Duration.FromHours(2));
        Assert.Equal(("Site", siteId, "site-flat"), (resolved.GetProperty("scope").GetString(), resolved.GetProperty("scopeId").GetString(), resolved.GetProperty("tariffId").GetString()));
    }

    [Fact]
    public async Task GivenAChargePointInAGroupAndASite_WhenASessionRuns_ThenTheGroupTariffWinsOverTheSiteTariff()
    {
        await api.PublishAsync("default", "0.40");
        await api.PublishAsync("site-flat", "0.25");
        await api.PublishAsync("hpc", "0.70");
        var siteId = await SiteAsync("site-flat");
        var cid = await PlacedChargePointAsync(siteId);
        var groupId = NewId("motorway-hpc");
        using var billing = api.Client("billing");
        using (var registered = await billing.PostJsonAsync("/charge-point-groups", new { groupId, name = "Motorway HPC" }))
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using (var assigned = await billing.PostJsonAsync($"/charge-point-groups/{groupId}/tariff-assignments", new { tariffId = "hpc", validFrom = Iso(TenDaysAgo) }))
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        using (var joined = await billing.PostJsonAsync($"/charge-point-groups/{groupId}/charge-points", new { chargePointId = cid, validFrom = Iso(Now - Duration.FromDays(5)) }))
            Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        using (var left = await billing.PostJsonAsync($"/charge-point-groups/{groupId}/departures", new { chargePointId = cid, validFrom = Iso(Now - Duration.FromDays(1)) }))
            Assert.Equal(HttpStatusCode.Created, left.StatusCode);
        var inGroup = await api.SessionAsync(cid, Now - Duration.FromDays(2));
        var afterLeaving = await api.SessionAsync(cid, Now - Duration.FromHours(2));

        await api.ProjectAllAsync();

        Assert.Equal("7.00", await api.CostAsync(inGroup)); // 10 kWh × 0.70 (the group's)
        Assert.Equal("2.50", await api.CostAsync(afterLeaving)); // out of the group: the site's again
        using var memberships = await api.Client("auditor").GetAsync($"/charge-points/{cid}/memberships");
        var groups = (await memberships.JsonAsync()).GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("change").GetString()).ToList();
        Assert.Equal(["joined", "left"], groups);
    }

    [Fact]
    public async Task GivenAPricedSession_WhenItsSiteIsAssignedATariffFromAfterItsStart_ThenTheSessionIsNotRepriced()
    {
        await api.PublishAsync("default", "0.40");
        await api.PublishAsync("site-flat", "0.25");
        var siteId = await SiteAsync();
        var cid = await PlacedChargePointAsync(siteId);
        var before = await api.SessionAsync(cid, Now - Duration.FromDays(3));
        await api.ProjectAllAsync();
        Assert.Equal("4.00", await api.CostAsync(before)); // the default: the site has no tariff yet

        using (var assigned = await api.Client("billing").PostJsonAsync($"/sites/{siteId}/tariff-assignments", new { tariffId = "site-flat", validFrom = Iso(Now - Duration.FromDays(1)) }))
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        var after = await api.SessionAsync(cid, Now - Duration.FromHours(2));
        await api.ProjectAllAsync();

        Assert.Equal("4.00", await api.CostAsync(before));
        Assert.Equal("2.50", await api.CostAsync(after));
    }

    [Theory]
    [InlineData("/sites", "siteId", "charge-points")]
    [InlineData("/charge-point-groups", "groupId", "charge-points")]
    [InlineData("/charge-point-groups", "groupId", "departures")]
    public async Task GivenAnUnknownSiteOrGroup_WhenReadAssignedOrAChargePointMoved_ThenNotFoundNamingIt(string collection, string field, string membership)
    {
        await api.PublishAsync("site-flat", "0.25");
        var cid = await api.ChargePointAsync();
        var unknown = NewId("noscope");
        using var billing = api.Client("billing");

        using var read = await api.Client("auditor").GetAsync($"{collection}/{unknown}");
        using var assign = await billing.PostJsonAsync($"{collection}/{unknown}/tariff-assignments", new { tariffId = "site-flat", validFrom = Iso(Now) });
        using var moved = await billing.PostJsonAsync($"{collection}/{unknown}/{membership}", new { chargePointId = cid, validFrom = Iso(Now) });

        await read.AssertProblemAsync(404, field);
        await assign.AssertProblemAsync(404, field);
        await moved.AssertProblemAsync(404, field);
        Assert.Empty(await api.Store.ReadStreamAsync("membership-" + cid, 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task GivenASite_WhenGivenBadInput_ThenProblemsNamingTheField()
    {
        await api.PublishAsync("site-flat", "0.25");
        var siteId = await SiteAsync("site-flat", Now);
        using var billing = api.Client("billing");

        using var badZone = await billing.PostJsonAsync("/sites", new { siteId = NewId("site"), name = "x", timeZoneId = "Mars/Olympus" });
        using var edited = await billing.PostJsonAsync("/sites", new { siteId, name = "renamed", timeZoneId = "Europe/Berlin", address = "Am Kai 1" });
        using var unknownChargePoint = await billing.PostJsonAsync($"/sites/{siteId}/charge-points", new { chargePointId = NewId("cp-nowhere"), validFrom = Iso(Now) });
        using var unknownTariff = await billing.PostJsonAsync($"/sites/{siteId}/tariff-assignments", new { tariffId = NewId("nope"), validFrom = Iso(Now + Duration.FromDays(1)) });
        using var earlier = await billing.PostJsonAsync($"/sites/{siteId}/tariff-assignments", new { tariffId = "site-flat", validFrom = Iso(Now - Duration.FromDays(1)) });
        using var missingStart = await billing.PostJsonAsync($"/sites/{siteId}/charge-points", new { chargePointId = "cp-x" });

        await badZone.AssertProblemAsync(422, "timeZoneId");
        await edited.AssertProblemAsync(422, "siteId");
        await unknownChargePoint.AssertProblemAsync(404, "chargePointId");
        await unknownTariff.AssertProblemAsync(404, "tariffId");
        await earlier.AssertProblemAsync(422, "validFrom");
        await missingStart.AssertProblemAsync(400, "validFrom");
    }

    [Fact]
    public async Task GivenASite_WhenRegisteredAndAChargePointPlacedTwice_ThenEachIsRecordedOnce()
    {
        var siteId = await SiteAsync();
        var cid = await api.ChargePointAsync();
        using var billing = api.Client("billing");
        var body = new { chargePointId = cid, validFrom = Iso(TenDaysAgo) };

        using var again = await billing.PostJsonAsync("/sites", new { siteId, name = "Hafen " + siteId, timeZoneId = "Europe/Berlin", address = "Am Kai 1" });
        using var first = await billing.PostJsonAsync($"/sites/{siteId}/charge-points", body);
        using var second = await billing.PostJsonAsync($"/sites/{siteId}/charge-points", body);
        using var site = await api.Client("auditor").GetAsync($"/sites/{siteId}");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Europe/Berlin", (await site.JsonAsync()).GetProperty("timeZoneId").GetString());
        Assert.Single(await api.Store.ReadStreamAsync("site-" + siteId, 0, 10, CancellationToken.None));
        Assert.Single(await api.Store.ReadStreamAsync("membership-" + cid, 0, 10, CancellationToken.None));
    }
}
