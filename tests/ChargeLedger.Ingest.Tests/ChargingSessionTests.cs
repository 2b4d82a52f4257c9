using System.Text.Json;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class ChargingSessionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] ChargePointTypes =
        ["ChargePointBooted", "ConnectorStatusReported", "AuthorizationAnswered", "TransactionIdAssigned", "ConnectorReleased"];

    private static readonly string[] TransactionTypes = ["TransactionStarted", "MeterValuesRecorded", "TransactionStopped"];

    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("session", output);
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenARegisteredTag_WhenAFullSessionIsSent_ThenItsEventsAreStoredAndEveryCallIsAnswered()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var tag = "TAG" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await context.AppendAsync(StreamIds.IdTag(tag), [new IdTagRegistered(tag, "acct-1", null, null, SystemClock.Instance.GetCurrentInstant())]);

        var (transactionId, replies) = await RunSessionAsync(cid, tag, times: 1);

        Assert.Equal("Accepted", replies["b1"].GetProperty("status").GetString());
        Assert.Equal(300, replies["b1"].GetProperty("interval").GetInt32());
        Assert.Equal("Accepted", replies["a1"].GetProperty("idTagInfo").GetProperty("status").GetString());
        Assert.Equal("Accepted", replies["st1"].GetProperty("idTagInfo").GetProperty("status").GetString());
        Assert.True(transactionId > 0);
        Assert.Equal("{}", replies["s1"].GetRawText());
        Assert.Equal("{}", replies["m1"].GetRawText());
        Assert.Equal("Accepted", replies["sp1"].GetProperty("idTagInfo").GetProperty("status").GetString());

        Assert.Equal(ChargePointTypes, await context.TypesAsync(StreamIds.ChargePoint(cid)));
        var transaction = await context.EventsAsync(StreamIds.Transaction(transactionId));
        Assert.Equal(TransactionTypes, transaction.Select(e => e.Recorded.Type));
        var started = Assert.IsType<TransactionStarted>(transaction[0].Event);
        Assert.Equal(Instant.FromUtc(2026, 11, 20, 10, 0), started.DeviceTime);
        Assert.Equal(1000, started.MeterStart);
        var meter = Assert.IsType<MeterValuesRecorded>(transaction[1].Event);
        Assert.Equal(1500, Assert.Single(meter.Samples).EnergyWh);
        var stopped = Assert.IsType<TransactionStopped>(transaction[2].Event);
        Assert.Equal(1600, stopped.EnergyWh);

        var metadata = transaction[0].Recorded.Metadata;
        Assert.Equal("mqtt", metadata.Source);
        Assert.Equal(context.Topics.Upstream(cid), metadata.Topic);
        Assert.Equal(cid, metadata.ChargePointId);
        Assert.Equal("st1", metadata.OcppMessageId);
        Assert.Equal(started.DeviceTime, metadata.DeviceTime);
        Assert.NotNull(metadata.CorrelationId);
        Assert.Contains("\"StartTransaction\"", metadata.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenEveryMessageDeliveredTwice_WhenTheSessionIsIngested_ThenEventsAreStoredOnceAndBothCopiesGetTheSameReply()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        var tag = "TAG" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await context.AppendAsync(StreamIds.IdTag(tag), [new IdTagRegistered(tag, "acct-1", null, null, SystemClock.Instance.GetCurrentInstant())]);

        var (transactionId, _) = await RunSessionAsync(cid, tag, times: 2);

        foreach (var uniqueId in new[] { "b1", "s1", "a1", "st1", "m1", "sp1" })
        {
            var frames = await context.Gateway.FramesAsync(cid, uniqueId, 2);
            Assert.Equal(2, frames.Count);
            Assert.Equal(WithoutTime(frames[0]), WithoutTime(frames[1]));
        }

        Assert.Equal(ChargePointTypes, await context.TypesAsync(StreamIds.ChargePoint(cid)));
        Assert.Equal(TransactionTypes, await context.TypesAsync(StreamIds.Transaction(transactionId)));
        var starts = context.Gateway.Received.Where(r => r.Frame.GetProperty("UniqueId").GetString() == "st1" && r.Topic == context.Topics.Downstream(cid))
            .Select(r => r.Frame.GetProperty("Payload").GetProperty("transactionId").GetInt32()).Distinct();
        Assert.Equal([transactionId], starts);
    }

    /// <summary>Runs boot → status → authorize → start → meter values → stop, each call published <paramref name="times"/> times.</summary>
    private async Task<(int TransactionId, Dictionary<string, JsonElement> Replies)> RunSessionAsync(string cid, string tag, int times)
    {
        var gateway = context.Gateway;
        var replies = new Dictionary<string, JsonElement>();
        async Task Call(string uniqueId, string action, string payload)
        {
            for (var i = 0; i < times; i++)
            {
                await gateway.CallAsync(cid, uniqueId, action, payload);
            }

            replies[uniqueId] = (await gateway.FramesAsync(cid, uniqueId, times))[0].GetProperty("Payload");
        }

        await Call("b1", "BootNotification", Frames.Boot);
        await Call("s1", "StatusNotification", Frames.Status(1, "Preparing", "2026-11-20T09:59:00Z"));
        await Call("a1", "Authorize", Frames.Authorize(tag));
        await Call("st1", "StartTransaction", Frames.Start(1, tag, 1000, "2026-11-20T10:00:00Z"));
        var transactionId = replies["st1"].GetProperty("transactionId").GetInt32();
        await Call("m1", "MeterValues", Frames.Meter(1, transactionId, "2026-11-20T10:15:00Z", "1.5"));
        await Call("sp1", "StopTransaction", Frames.Stop(transactionId, 2600, "2026-11-20T10:30:00Z", tag));
        return (transactionId, replies);
    }

    private static string WithoutTime(JsonElement frame) =>
        frame.GetRawText().Replace(frame.GetProperty("Payload").TryGetProperty("currentTime", out var time) ? time.GetString()! : "\u0001", "", StringComparison.Ordinal);
}
