using ChargeLedger.Read.EnergyAudit;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.EnergyAudit;

public sealed class EnergyAuditTests
{
    [Fact]
    public async Task GivenADayWithSessionsIdleConsumptionOrphansAndASessionOverMidnight_WhenAudited_ThenMeteredSplitsIntoSessionsGapsAndOrphans()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_energy");
        var cp = new ChargePointScript("CP-E1");
        static Instant Utc(int day, int hour, int minute = 0) => Instant.FromUtc(2026, 6, day, hour, minute);
        await db.AppendAsync(
            cp.ConnectorMeter(1, Utc(9, 21), 9_000),          // 23:00 on 9 June in Berlin: the day before
            cp.ConnectorMeter(1, Utc(9, 22, 30), 10_000),     // 00:30 on 10 June in Berlin
            cp.Start(11, 1, "TAG-E", 10_050, Utc(10, 6)),
            cp.Meter(11, 1, Utc(10, 7), 15_000),
            cp.Stop(11, 1, "TAG-E", 10_050, 20_050, Utc(10, 8)),
            cp.ConnectorMeter(1, Utc(10, 12), 20_080),
            cp.OrphanMeter(-1, 1, Utc(10, 13), 21_000),
            cp.OrphanStop(-1, 22_000, Utc(10, 14)),
            cp.Start(12, 1, "TAG-E", 22_000, Utc(10, 21, 30)),
            cp.Meter(12, 1, Utc(10, 21, 50), 22_500),
            cp.Stop(12, 1, "TAG-E", 22_000, 23_000, Utc(10, 22, 30)));  // 00:30 on 11 June in Berlin
        await db.ProjectAsync();
        var zones = new SiteTimeZones(new Dictionary<string, string> { ["CP-E1"] = "Europe/Berlin" });

        var berlin = await new EnergyAuditQuery(db.DataSource, zones).GetDayAsync("CP-E1", new LocalDate(2026, 6, 10), CancellationToken.None);

        Assert.Equal(("Europe/Berlin", Utc(9, 22), Utc(10, 22)), (berlin.TimeZone, berlin.From, berlin.To));
        var connector = Assert.Single(berlin.Connectors);
        Assert.Equal((10_000L, 22_500L, 8), (connector.FirstWh, connector.LastWh, connector.Readings));
        Assert.Equal((12_500L, 12.5m), (berlin.MeteredWh, berlin.MeteredKWh));
        Assert.Equal((10_500L, 80L, 1_920L), (berlin.InSessionWh, berlin.BetweenSessionsWh, berlin.OrphanWh));
        Assert.Equal(berlin.MeteredWh, berlin.InSessionWh + berlin.BetweenSessionsWh + berlin.OrphanWh);
        Assert.Equal((10_000L, 2_500L), (berlin.BilledWh, berlin.DifferenceWh));
        Assert.Equal([(11, true), (12, false)], berlin.Sessions.Select(s => (s.TransactionId, s.Billed)));
        Assert.Equal(2, berlin.OrphanReadings);
        Assert.Contains(berlin.Explanation, line => line.Contains("80 Wh between sessions", StringComparison.Ordinal));

        var utc = await new EnergyAuditQuery(db.DataSource).GetDayAsync("CP-E1", new LocalDate(2026, 6, 10), CancellationToken.None);
        Assert.Equal(("UTC", 23_000L - 10_050L, 11_000L), (utc.TimeZone, utc.MeteredWh, utc.BilledWh));
    }
}
