using ChargeLedger.Domain.Transactions;
using ChargeLedger.Projections;
using ChargeLedger.Read.Transactions;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests;

public sealed class RebuildEqualsLiveTests
{
    [Fact]
    public async Task GivenReadModelsBuiltLiveInSmallBatches_WhenRebuiltFromZero_ThenEveryComparisonKeyIsEqualAndQueriesStillAnswer()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_rebuild");
        var t0 = Instant.FromUtc(2026, 3, 29, 0, 30);
        foreach (var (id, cp) in new[] { (61, new ChargePointScript("CP-X1")), (62, new ChargePointScript("CP-X2")) })
        {
            await db.AppendAsync(
                cp.Connected(t0), cp.Boot(t0.PlusSeconds(1)), cp.Status(1, "Available", t0.PlusSeconds(2)), cp.Authorize("TAG-R", t0.PlusMinutes(1)),
                cp.Start(id, 1, "TAG-R", 1_000, t0.PlusMinutes(2)), cp.Meter(id, 1, t0.PlusMinutes(30), 4_000, powerKw: 6m),
                cp.Anomaly(id, AnomalyKind.TimestampBeforePrevious, "older timestamp", t0.PlusMinutes(20)),
                cp.Meter(id, 1, t0.PlusMinutes(20), 3_000, receivedAt: t0.PlusHours(2)), cp.Heartbeat(t0.PlusHours(1)),
                cp.Stop(id, 1, "TAG-R", 1_000, 9_000, t0.PlusHours(3)), cp.OrphanStop(-1, 9_500, t0.PlusHours(4)),
                cp.ConnectorMeter(1, t0.PlusHours(5), 9_600), cp.Disconnected(t0.PlusHours(6), "closed"));
        }
        await db.ProjectAsync();
        await db.StopAsync();
        var before = await new TransactionsQuery(db.DataSource).GetAsync(61, CancellationToken.None);
        var indexesBefore = await IndexesAsync(db);

        var rebuilder = new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { BatchSize = 1_000 });
        foreach (var projection in ReadModelDatabase.Projections)
        {
            var report = await rebuilder.RebuildAsync(projection, CancellationToken.None);
            Assert.True(report.Swapped, report.Summary);
            Assert.True(report.KeysCompared > 0, report.Summary);
            Assert.True(report.DifferenceCount == 0, $"{report.Summary}: {string.Join("; ", report.Differences.Select(d => $"{d.Key}: {d.Old} | {d.New}"))}");
        }

        var after = await new TransactionsQuery(db.DataSource).GetAsync(61, CancellationToken.None);
        Assert.Equal(before! with { Anomalies = [] }, after! with { Anomalies = [] });
        Assert.Equal(before.Anomalies, after.Anomalies);
        // Rebuilds that defer secondary indexes build every one of them again before the swap.
        Assert.Equal(indexesBefore, await IndexesAsync(db));
    }

    private static async Task<List<string>> IndexesAsync(ReadModelDatabase db)
    {
        await using var command = db.DataSource.CreateCommand(
            "SELECT schemaname || '.' || tablename || ':' || regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes WHERE schemaname LIKE 'rm\\_%' ORDER BY 1");
        var indexes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add(reader.GetString(0));
        }
        Assert.True(indexes.Count > 8, string.Join(", ", indexes));
        return indexes;
    }
}
