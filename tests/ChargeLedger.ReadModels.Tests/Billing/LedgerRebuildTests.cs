using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using ChargeLedger.Projections.Complaints;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.Read.Ledger;
using NodaTime;
using static ChargeLedger.ReadModels.Tests.Billing.BillingScenario;

namespace ChargeLedger.ReadModels.Tests.Billing;

public sealed class LedgerRebuildTests
{
    private static readonly Instant Evening = Instant.FromUtc(2026, 6, 12, 19, 30);

    [Fact]
    public async Task GivenALedgerBuiltLiveWithCorrectionsAndRefunds_WhenRebuiltFromZero_ThenThereAreNoDifferences()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_rebuild");
        await AppendMixAsync(db);
        await db.ProjectAsync();
        await db.StopAsync();
        var before = await new LedgerQuery(db.DataSource).EntriesAsync("customer:EPS", null, null, null, null, 100, CancellationToken.None);

        // Small batches: the rebuild keeps its working set across many of them.
        var rebuilder = new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { BatchSize = 2 });
        foreach (var projection in new IProjection[] { new BillingLedgerProjection(), new ComplaintsProjection() })
        {
            var report = await rebuilder.RebuildAsync(projection, CancellationToken.None);
            Assert.True(report.Swapped, report.Summary);
            Assert.True(report.KeysCompared > 0, report.Summary);
            Assert.True(report.DifferenceCount == 0, $"{report.Summary}: {string.Join("; ", report.Differences.Select(d => $"{d.Key}: {d.Old} | {d.New}"))}");
        }

        var after = await new LedgerQuery(db.DataSource).EntriesAsync("customer:EPS", null, null, null, null, 100, CancellationToken.None);
        Assert.Equal(before.Items.Select(Comparable), after.Items.Select(Comparable));
        Assert.True(before.Items.Count >= 4);
    }

    [Fact]
    public async Task GivenALiveLedgerThatChargedOneSessionWrongly_WhenRebuilt_ThenTheReportListsExactlyThatSessionAndTheAccountsItMoved()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_fix");
        await AppendMixAsync(db);
        await db.ProjectAsync();
        await db.StopAsync();
        // What a kWh bug would have left behind in the live copy: a wrong charge for session 302.
        await using (var bug = db.DataSource.CreateCommand(
            $"UPDATE {LedgerTables.LiveSessions} SET net = net + 1 WHERE transaction_id = 302; " +
            $"UPDATE {LedgerTables.LivePostings} SET amount = amount + 1 WHERE posting_set_id = '302#1' AND account = 'customer:EPS'"))
        {
            await bug.ExecuteNonQueryAsync();
        }

        var report = await new ProjectionRebuilder(db.Store, db.DataSource).RebuildAsync(new BillingLedgerProjection(), CancellationToken.None);

        Assert.Equal(["302"], LedgerComparisonKeys.AffectedSessions(report.Differences.Select(d => d.Key)));
        Assert.Equal(["account:customer:EPS:EUR", "session:302"], report.Differences.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.True((await new LedgerQuery(db.DataSource).TotalsAsync(null, CancellationToken.None)).Balanced);
    }

    [Fact]
    public async Task GivenACrashAfterTheLedgerWriteBeforeTheCheckpoint_WhenTheRunnerRetries_ThenNoPostingIsBookedTwice()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_crash");
        await AppendMixAsync(db);
        var crashing = new CrashingProjection(new BillingLedgerProjection(), failures: 3);
        await db.ProjectAsync([crashing], tolerateFailures: true);

        Assert.True(crashing.Crashes == 3);
        var ledger = new LedgerQuery(db.DataSource);
        var entries = await ledger.EntriesAsync("customer:EPS", null, null, null, null, 100, CancellationToken.None);
        Assert.Equal(entries.Items.Select(e => e.PostingSetId).Distinct().Count(), entries.Items.Count);
        // 301: 6.43, reversed and rebooked at 6.78; 302: 8.33 less a 2.38 refund.
        Assert.Equal([new CurrencyAmount("EUR", 6.78m + 8.33m - 2.38m)], (await ledger.BalanceAsync("customer:EPS", null, CancellationToken.None)).Balances);
        Assert.True((await ledger.TotalsAsync(null, CancellationToken.None)).Balanced);
        Assert.Equal(4, (await new CdrsQuery(db.DataSource).ListAsync(null, null, null, null, 100, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task GivenARebuildThatCrashedAfterTheLedgerWrite_WhenRunAgainWithTheSameProjection_ThenItResumesWithItsIndexesBuiltAndWithoutDifferences()
    {
        await using var db = await BillingDatabase.CreateAsync("bl_rebuild_crash");
        await AppendMixAsync(db);
        await db.ProjectAsync();
        await db.StopAsync();
        var crashing = new CrashingProjection(new BillingLedgerProjection(), failures: 1);
        var rebuilder = new ProjectionRebuilder(db.Store, db.DataSource, new RebuildOptions { BatchSize = 2 });

        await Assert.ThrowsAsync<InvalidOperationException>(() => rebuilder.RebuildAsync(crashing, CancellationToken.None));
        var filledWithout = crashing.SecondaryIndexesSeen.ToList();
        crashing.SecondaryIndexesSeen.Clear();
        var report = await rebuilder.RebuildAsync(crashing, CancellationToken.None);

        Assert.Equal(1, crashing.Crashes);
        // Filled from empty without its secondary indexes; resumed (reading its tables back, as live batches do) with all of them.
        Assert.NotEmpty(filledWithout);
        Assert.All(filledWithout, count => Assert.Equal(0, count));
        Assert.NotEmpty(crashing.SecondaryIndexesSeen);
        // Every index but the primary keys of the two tables a rebuild updates (sessions, id tag accounts).
        Assert.All(crashing.SecondaryIndexesSeen, count => Assert.Equal(19, count));
        Assert.True(report.Swapped, report.Summary);
        Assert.True(report.DifferenceCount == 0, $"{report.Summary}: {string.Join("; ", report.Differences.Select(d => $"{d.Key}: {d.Old} | {d.New}"))}");
        Assert.True((await new LedgerQuery(db.DataSource).TotalsAsync(null, CancellationToken.None)).Balanced);
    }

    private static (string, int, decimal, long, string) Comparable(LedgerEntryRow e) => (e.PostingSetId, e.EntryNo, e.Amount, e.Position, string.Join(',', e.SourcePositions));

    private static async Task AppendMixAsync(BillingDatabase db)
    {
        var cp = new ChargePointScript("CP-R1");
        var morning = Evening.PlusHours(-11);
        await db.AppendAsync(PublishTariff(), LinkTag("tag-e", "EPS", morning.PlusHours(-1)),
            cp.Start(301, 1, "tag-e", 0, Evening), cp.Status(1, "Charging", Evening.PlusSeconds(5)), cp.Stop(301, 1, "tag-e", 0, 10_000, Evening.PlusHours(1)),
            cp.Meter(301, 1, Evening.PlusMinutes(30), 8_000, receivedAt: Evening.PlusHours(2)),
            cp.Start(302, 2, "tag-e", 0, morning), cp.Stop(302, 2, "tag-e", 0, 12_000, morning.PlusHours(1)),
            OpenComplaint("K-3", 302, morning, morning.PlusHours(1), Evening.PlusHours(3)), Resolve("K-3", 2.38m, Evening.PlusHours(4)),
            cp.Start(303, 1, "stranger", 10_000, Evening.PlusHours(5)));
    }

    /// <summary>Throws after the ledger has booked a batch (one with a stop, late meter values or a refund), before the runtime commits it with the checkpoint.</summary>
    private sealed class CrashingProjection(IProjection inner, int failures) : IProjection
    {
        private int left = failures;

        public int Crashes;

        public string Name => inner.Name;

        public int Version => inner.Version;

        public bool DefersIndexesOnRebuild => inner.DefersIndexesOnRebuild;

        public string CreateTablesSql(string schema) => inner.CreateTablesSql(schema);

        public string ComparisonSql(string schema) => inner.ComparisonSql(schema);

        /// <summary>Per batch applied to a rebuild copy: how many of its indexes are not behind a constraint.</summary>
        public readonly List<int> SecondaryIndexesSeen = [];

        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
        {
            if (context.Schema.StartsWith("rebuild_", StringComparison.Ordinal))
            {
                await using var count = context.CreateCommand($"""
                    SELECT count(*)::integer FROM pg_indexes i
                    WHERE i.schemaname = '{context.Schema}'
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
                    """);
                SecondaryIndexesSeen.Add((int)(await count.ExecuteScalarAsync(cancellationToken))!);
            }
            await inner.ApplyAsync(batch, context, cancellationToken);
            if (batch.Any(e => e.Type is "TransactionStopped" or "MeterValuesRecorded" or "ComplaintResolved") && Interlocked.Decrement(ref left) >= 0)
            {
                Interlocked.Increment(ref Crashes);
                throw new InvalidOperationException("crash after the ledger write, before the checkpoint");
            }
        }
    }
}
