using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Projections;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.Read.Ledger;
using NodaTime;
using static ChargeLedger.ReadModels.Tests.Billing.BillingScenario;

namespace ChargeLedger.ReadModels.Tests.Billing;

/// <summary>
/// Tariffs assigned per site and group: charge point &gt; group &gt; site &gt; default, each as it stood at the session's
/// start (assignments and memberships alike), and a rebuild books exactly what was booked live.
/// </summary>
public sealed class SiteAndGroupTariffLedgerTests
{
    // 10:00 in Berlin (CEST): day prices of every tariff here.
    private static readonly Instant Morning = Instant.FromUtc(2026, 6, 10, 8, 0);

    private static Instant Day(int days) => Morning + Duration.FromDays(days);

    private static readonly TariffDefinition Fast = new("fast", TariffFrom, "EUR", 0.60m, 0m, 0m, 0, 0m, null, null, 19m, "Europe/Berlin", []);

    private static readonly TariffDefinition Flat = Fast with { TariffId = "flat", PricePerKwh = 0.25m };

    private static readonly TariffDefinition Own = Fast with { TariffId = "own", PricePerKwh = 0.50m };

    private static Message Api(params object[] events) => BillingDatabase.Command(TariffFrom, events);

    /// <summary>
    /// Site "hafen" priced "flat" from day 1; group "motorway-hpc" priced "fast" from day 2; CP-S1 at hafen from the
    /// start and in the group from day 2; CP-S2 at hafen with its own "own" tariff from day 1; CP-S3 at hafen, placed
    /// only from day 3.
    /// </summary>
    private static Message[] Scopes() =>
    [
        PublishTariff(), Command(Fast), Command(Flat), Command(Own),
        Api(new SiteRegistered("hafen", "Hamburg Hafen", "Europe/Berlin", "Am Kai 1", "billing-1", TariffFrom),
            new SiteTariffAssigned("hafen", "flat", Day(1), "billing-1", TariffFrom)),
        Api(new ChargePointGroupRegistered("motorway-hpc", "Motorway HPC", "billing-1", TariffFrom),
            new GroupTariffAssigned("motorway-hpc", "fast", Day(2), "billing-1", TariffFrom)),
        Api(new ChargePointPlacedAtSite("CP-S1", "hafen", TariffFrom, "billing-1", TariffFrom),
            new ChargePointJoinedGroup("CP-S1", "motorway-hpc", Day(2), "billing-1", TariffFrom)),
        Api(new ChargePointPlacedAtSite("CP-S2", "hafen", TariffFrom, "billing-1", TariffFrom)),
        Api(new TariffAssigned("CP-S2", "own", Day(1), "billing-1", TariffFrom)),
        Api(new ChargePointPlacedAtSite("CP-S3", "hafen", Day(3), "billing-1", TariffFrom)),
    ];

    private static Message[] Sessions()
    {
        var (s1, s2, s3) = (new ChargePointScript("CP-S1"), new ChargePointScript("CP-S2"), new ChargePointScript("CP-S3"));
        return
        [
            s1.Start(401, 1, "tag-s", 0, Morning), s1.Stop(401, 1, "tag-s", 0, 10_000, Morning.PlusMinutes(30)),
            s1.Start(402, 1, "tag-s", 10_000, Day(1)), s1.Stop(402, 1, "tag-s", 10_000, 20_000, Day(1).PlusMinutes(30)),
            s1.Start(403, 1, "tag-s", 20_000, Day(2).PlusHours(1)), s1.Stop(403, 1, "tag-s", 20_000, 30_000, Day(2).PlusHours(2)),
            s2.Start(404, 1, "tag-s", 0, Day(1).PlusHours(1)), s2.Stop(404, 1, "tag-s", 0, 10_000, Day(1).PlusHours(2)),
            s3.Start(405, 1, "tag-s", 0, Day(2)), s3.Stop(405, 1, "tag-s", 0, 10_000, Day(2).PlusMinutes(30)),
        ];
    }

    [Fact]
    public async Task GivenSiteGroupAndChargePointAssignments_WhenSessionsAreProjected_ThenTheMostSpecificAssignmentAtEachStartPrices()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_scopes");
        await db.AppendAsync([.. Scopes(), .. Sessions()]);
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        // default: 10 kWh × 0.40 + 30 min × 0.02 + 1.00 = 5.60; flat 10 × 0.25 = 2.50; fast 10 × 0.60 = 6.00; own 10 × 0.50 = 5.00.
        var expected = new[]
        {
            (401, "default", 5.60m), // at the site before its assignment starts
            (402, "flat", 2.50m),    // the site's
            (403, "fast", 6.00m),    // the group's wins over the site's
            (404, "own", 5.00m),     // the charge point's own wins over the site's
            (405, "default", 5.60m), // the charge point was placed at the site only after the session started
        };
        foreach (var (id, tariff, net) in expected)
        {
            var cost = await ledger.SessionCostAsync(id, CancellationToken.None);
            Assert.Equal((id, SessionCostStatuses.Priced, tariff, net), (id, cost!.Status, cost.TariffId, cost.Net!.Value));
        }
        var siteStream = await db.Store.ReadStreamAsync("site-hafen", 0, 10, CancellationToken.None);
        var placement = (await db.Store.ReadStreamAsync("membership-CP-S1", 0, 10, CancellationToken.None))[0];
        Assert.All(await ledger.SessionEntriesAsync("402", CancellationToken.None), e =>
        {
            Assert.Contains(siteStream[1].Position, e.SourcePositions);
            Assert.Contains(placement.Position, e.SourcePositions);
        });
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);
    }

    [Fact]
    public async Task GivenAPricedSession_WhenItsSiteIsAssignedATariffLater_ThenTheSessionKeepsItsPrice()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_scopes_late");
        var cp = new ChargePointScript("CP-S4");
        await db.AppendAsync(PublishTariff(), Command(Flat),
            Api(new SiteRegistered("depot", "Depot", "Europe/Berlin", null, "billing-1", TariffFrom)),
            Api(new ChargePointPlacedAtSite("CP-S4", "depot", TariffFrom, "billing-1", TariffFrom)),
            cp.Start(406, 1, "tag-s", 0, Morning), cp.Stop(406, 1, "tag-s", 0, 10_000, Morning.PlusMinutes(30)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);
        var booked = await ledger.SessionEntriesAsync("406", CancellationToken.None);
        await db.AppendAsync(BillingDatabase.Command(Morning.PlusHours(1), new SiteTariffAssigned("depot", "flat", Morning.PlusHours(1), "billing-1", Morning.PlusHours(1))),
            cp.Start(407, 1, "tag-s", 10_000, Morning.PlusHours(2)), cp.Stop(407, 1, "tag-s", 10_000, 20_000, Morning.PlusHours(2).PlusMinutes(30)));
        await db.ProjectAsync();

        Assert.Equal("default", (await ledger.SessionCostAsync(406, CancellationToken.None))!.TariffId);
        Assert.Equal("flat", (await ledger.SessionCostAsync(407, CancellationToken.None))!.TariffId);
        Assert.NotEmpty(booked);
        Assert.Equal(booked.Select(e => (e.PostingSetId, e.EntryNo, e.Account, e.Amount)),
            (await ledger.SessionEntriesAsync("406", CancellationToken.None)).Select(e => (e.PostingSetId, e.EntryNo, e.Account, e.Amount)));
    }

    [Fact]
    public async Task GivenSessionsPricedByDefault_WhenTheirSiteIsAssignedATariffValidFromBeforeThem_ThenTheSiteSessionIsRePricedAndARebuildAgrees()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_scopes_backdated");
        var (atSite, elsewhere) = (new ChargePointScript("CP-S5"), new ChargePointScript("CP-S6"));
        await db.AppendAsync(PublishTariff(), Command(Flat),
            Api(new SiteRegistered("yard", "Yard", "Europe/Berlin", null, "billing-1", TariffFrom)),
            Api(new ChargePointPlacedAtSite("CP-S5", "yard", TariffFrom, "billing-1", TariffFrom)),
            atSite.Start(408, 1, "tag-s", 0, Morning), atSite.Stop(408, 1, "tag-s", 0, 10_000, Morning.PlusMinutes(30)),
            elsewhere.Start(409, 1, "tag-s", 0, Morning), elsewhere.Stop(409, 1, "tag-s", 0, 10_000, Morning.PlusMinutes(30)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);
        var before = (await ledger.SessionCostAsync(408, CancellationToken.None))!;
        Assert.Equal(("default", 5.60m), (before.TariffId, before.Net!.Value));
        var untouched = await ledger.SessionEntriesAsync("409", CancellationToken.None);

        // Assigned a day after the sessions, valid from before them.
        await db.AppendAsync(BillingDatabase.Command(Day(1), new SiteTariffAssigned("yard", "flat", TariffFrom, "billing-1", Day(1))));
        await db.ProjectAsync();

        var repriced = (await ledger.SessionCostAsync(408, CancellationToken.None))!;
        Assert.Equal((SessionCostStatuses.Priced, "flat", 2.50m), (repriced.Status, repriced.TariffId, repriced.Net!.Value));
        var assignment = (await db.Store.ReadStreamAsync("site-yard", 0, 10, CancellationToken.None))[^1];
        var entries = await ledger.SessionEntriesAsync("408", CancellationToken.None);
        Assert.Contains(entries, e => e.SourcePositions.Contains(assignment.Position));
        Assert.Equal(repriced.Total!.Value, entries.Where(e => e.Account == LedgerAccounts.Customer(repriced.BillingAccount!)).Sum(e => e.Amount));
        Assert.Equal(untouched.Select(e => (e.PostingSetId, e.Amount)), (await ledger.SessionEntriesAsync("409", CancellationToken.None)).Select(e => (e.PostingSetId, e.Amount)));
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);

        await db.StopAsync();
        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new BillingLedgerProjection(), CancellationToken.None);
        Assert.True(report.Swapped && report.KeysCompared > 0 && report.DifferenceCount == 0, report.Summary);
    }

    [Fact]
    public async Task GivenSiteAndGroupPricingBuiltLive_WhenTheLedgerIsRebuilt_ThenThereAreNoDifferences()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_scopes_rb");
        await db.AppendAsync(Scopes());
        foreach (var session in Sessions().Chunk(2))
        {
            await db.AppendAsync(session);
            await db.ProjectAsync();
        }
        await db.StopAsync();

        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new BillingLedgerProjection(), CancellationToken.None);

        Assert.True(report.Swapped && report.KeysCompared > 0 && report.DifferenceCount == 0, report.Summary);
        Assert.Equal("fast", (await new LedgerQuery(db.DataSource).SessionCostAsync(403, CancellationToken.None))!.TariffId);
    }
}
