using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("crash", output, startHost: false);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenTheProcessIsKilledAfterCommittingAndBeforeAcknowledging_WhenRestarted_ThenTheReplyIsResentAndNothingIsStoredTwice()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var gateway = context.Gateway;
        int transactionId;
        await using (var first = await IngestProcess.StartAsync(context.Settings, crashAfterMessage: 3, output))
        {
            await gateway.CallAsync(cid, "b1", "BootNotification", Frames.Boot);
            await gateway.FramesAsync(cid, "b1");
            await gateway.CallAsync(cid, "s1", "StatusNotification", Frames.Status(1, "Preparing", "2026-11-20T09:59:00Z"));
            await gateway.FramesAsync(cid, "s1");
            await gateway.CallAsync(cid, "st1", "StartTransaction", Frames.Start(1, "TAG-X", 500, "2026-11-20T10:00:00Z"));

            await first.WaitForExitAsync();
            Assert.NotEqual(0, first.ExitCode);
            Assert.Contains(first.Lines, l => l.Contains("crash point reached", StringComparison.Ordinal));
            var assigned = (await context.EventsAsync(StreamIds.ChargePoint(cid))).Select(e => e.Event).OfType<TransactionIdAssigned>().Single();
            transactionId = assigned.TransactionId;
            Assert.DoesNotContain(gateway.Received, r => r.Frame.GetProperty("UniqueId").GetString() == "st1");
        }

        await using var second = await IngestProcess.StartAsync(context.Settings, crashAfterMessage: null, output);
        var reply = await gateway.PayloadAsync(cid, "st1");
        Assert.Equal(transactionId, reply.GetProperty("transactionId").GetInt32());
        await gateway.CallAsync(cid, "h1", "Heartbeat", "{}");
        await gateway.FramesAsync(cid, "h1");

        Assert.Equal(
            ["ChargePointBooted", "ConnectorStatusReported", "TransactionIdAssigned", "HeartbeatReceived"],
            await context.TypesAsync(StreamIds.ChargePoint(cid)));
        Assert.Equal(["TransactionStarted", "TransactionAnomalyDetected"], await context.TypesAsync(StreamIds.Transaction(transactionId)));
        Assert.Single(await gateway.FramesAsync(cid, "b1"));
        Assert.Single(await gateway.FramesAsync(cid, "st1"));
    }
}
