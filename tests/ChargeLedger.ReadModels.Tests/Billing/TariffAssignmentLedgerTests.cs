using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Projections;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.Read.Ledger;
using NodaTime;
using static ChargeLedger.ReadModels.Tests.Billing.BillingScenario;

namespace ChargeLedger.ReadModels.Tests.Billing;

/// <summary>Tariffs assigned per charge point: the assignment valid at the session start picks the tariff, else "default".</summary>
public sealed class TariffAssignmentLedgerTests
{
    // 10:00 in Berlin (CEST): day prices of every tariff here.
    private static readonly Instant Morning = Instant.FromUtc(2026, 6, 10, 8, 0);

    private static Instant Day(int days) => Morning + Duration.FromDays(days);

    private static readonly TariffDefinition Fast = new(
        "fast", TariffFrom, "EUR", 0.60m, 0m, 0m, 0, 0m, null, null, 19m, "Europe/Berlin", []);

    private static readonly TariffDefinition Flat = Fast with { TariffId = "flat", PricePerKwh = 0.25m };

    private static Message Assign(string chargePointId, string tariffId, Instant validFrom) =>
        BillingDatabase.Command(validFrom, new TariffAssigned(chargePointId, tariffId, validFrom, "billing-1", validFrom));

    [Fact]
    public async Task GivenAssignmentsSupersedingEachOther_WhenSessionsStopBeforeAndAfterEach_ThenEachIsPricedWithTheTariffAssignedAtItsStart()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_assign");
        var assigned = new ChargePointScript("CP-A1");
        var other = new ChargePointScript("CP-A2");
        await db.AppendAsync(PublishTariff(), BillingScenario.Command(Fast), BillingScenario.Command(Flat),
            Assign("CP-A1", "fast", Day(1)), Assign("CP-A1", "flat", Day(2)),
            assigned.Start(301, 1, "tag-a", 0, Morning), assigned.Stop(301, 1, "tag-a", 0, 10_000, Morning.PlusMinutes(30)),
            assigned.Start(302, 1, "tag-a", 10_000, Day(1)), assigned.Stop(302, 1, "tag-a", 10_000, 20_000, Day(1).PlusMinutes(30)),
            assigned.Start(303, 1, "tag-a", 20_000, Day(2).PlusHours(1)), assigned.Stop(303, 1, "tag-a", 20_000, 30_000, Day(2).PlusHours(2)),
            other.Start(304, 1, "tag-b", 0, Day(2).PlusHours(1)), other.Stop(304, 1, "tag-b", 0, 10_000, Day(2).PlusHours(2)));
        await db.ProjectAsync();
        var ledger = new LedgerQuery(db.DataSource);

        // "default" 10 kWh × 0.40 + 30 min × 0.02 + 1.00 fee = 5.60; "fast" 10 × 0.60 = 6.00; "flat" 10 × 0.25 = 2.50.
        var expected = new[] { (301, "default", 5.60m), (302, "fast", 6.00m), (303, "flat", 2.50m), (304, "default", 6.20m) };
        foreach (var (id, tariff, net) in expected)
        {
            var cost = await ledger.SessionCostAsync(id, CancellationToken.None);
            Assert.Equal((id, SessionCostStatuses.Priced, tariff, net), (id, cost!.Status, cost.TariffId, cost.Net!.Value));
        }
        var entries = await ledger.SessionEntriesAsync("302", CancellationToken.None);
        var assignment = (await db.Store.ReadStreamAsync("tariffassignment-CP-A1", 0, 1, CancellationToken.None))[0];
        Assert.All(entries, e => Assert.Contains(assignment.Position, e.SourcePositions));
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);
    }

    [Fact]
    public async Task GivenAnAssignedTariffWithdrawn_WhenASessionStartsAfterTheWithdrawal_ThenItIsUnpricedRatherThanPricedWithTheDefault()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_assign_wd");
        var cp = new ChargePointScript("CP-A3");
        await db.AppendAsync(PublishTariff(), BillingScenario.Command(Fast), Assign("CP-A3", "fast", TariffFrom),
            BillingDatabase.Command(Morning, new TariffWithdrawn("fast", Morning.PlusHours(-1), "retired", Morning)),
            cp.Start(305, 1, "tag-c", 0, Morning), cp.Stop(305, 1, "tag-c", 0, 10_000, Morning.PlusMinutes(30)));
        await db.ProjectAsync();

        var cost = await new LedgerQuery(db.DataSource).SessionCostAsync(305, CancellationToken.None);

        Assert.Equal(SessionCostStatuses.Unpriced, cost!.Status);
        Assert.Contains("tariff 'fast' withdrawn", cost.UnpricedReason);
    }

    [Fact]
    public async Task GivenAssignmentsBuiltLive_WhenTheLedgerIsRebuilt_ThenThereAreNoDifferences()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_assign_rb");
        var cp = new ChargePointScript("CP-A4");
        await db.AppendAsync(PublishTariff(), BillingScenario.Command(Fast), Assign("CP-A4", "fast", Morning.PlusHours(1)),
            cp.Start(306, 1, "tag-d", 0, Morning), cp.Stop(306, 1, "tag-d", 0, 10_000, Morning.PlusMinutes(30)),
            cp.Start(307, 1, "tag-d", 10_000, Morning.PlusHours(2)), cp.Stop(307, 1, "tag-d", 10_000, 20_000, Morning.PlusHours(3)));
        await db.ProjectAsync();
        await db.StopAsync();

        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new BillingLedgerProjection(), CancellationToken.None);

        Assert.True(report.Swapped && report.KeysCompared > 0 && report.DifferenceCount == 0, report.Summary);
        Assert.Equal("fast", (await new LedgerQuery(db.DataSource).SessionCostAsync(307, CancellationToken.None))!.TariffId);
    }
}
