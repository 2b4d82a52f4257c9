using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using NodaTime;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class IdTagTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("idtag", output);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenAnAcceptedTag_WhenItIsBlockedThroughTheStore_ThenTheNextAuthorizeAndStartAreRefused()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var tag = "TAG" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var now = SystemClock.Instance.GetCurrentInstant();
        await context.AppendAsync(StreamIds.IdTag(tag), [new IdTagRegistered(tag, "acct", null, null, now)]);
        await context.Gateway.CallAsync(cid, "a1", "Authorize", Frames.Authorize(tag));
        Assert.Equal("Accepted", (await context.Gateway.PayloadAsync(cid, "a1")).GetProperty("idTagInfo").GetProperty("status").GetString());

        await context.AppendAsync(StreamIds.IdTag(tag), [new IdTagBlocked(tag, "lost card", now)]);
        await context.Gateway.CallAsync(cid, "a2", "Authorize", Frames.Authorize(tag.ToLowerInvariant()));
        await context.Gateway.CallAsync(cid, "st1", "StartTransaction", Frames.Start(1, tag, 0, "2026-11-20T10:00:00Z"));

        Assert.Equal("Blocked", (await context.Gateway.PayloadAsync(cid, "a2")).GetProperty("idTagInfo").GetProperty("status").GetString());
        var start = await context.Gateway.PayloadAsync(cid, "st1");
        Assert.Equal("Blocked", start.GetProperty("idTagInfo").GetProperty("status").GetString());
        var transactionId = start.GetProperty("transactionId").GetInt32();
        Assert.Equal(
            ["TransactionStarted", "TransactionAnomalyDetected"],
            await context.TypesAsync(StreamIds.Transaction(transactionId)));
    }
}
