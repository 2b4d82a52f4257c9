using System.Text.Json;
using ChargeLedger.Read.AuditTrail;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.AuditTrail;

public sealed class AuditTrailTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 10, 6, 0);

    [Fact]
    public async Task GivenASessionWithLateMeterValuesAndARejectedMessage_WhenTheTrailIsRead_ThenRelatedEventsAreInDeviceTimeOrderWithFramesTopicsAndHashes()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_trail");
        var cp = new ChargePointScript("CP-R1");
        var other = new ChargePointScript("CP-R2");
        await db.AppendAsync(
            cp.Connected(T0),
            cp.Boot(T0.PlusSeconds(2)),
            cp.Authorize("TAG-X", T0.PlusSeconds(50)),
            cp.Authorize("TAG-OTHER", T0.PlusSeconds(55)),
            cp.Start(51, 1, "tag-x", 100, T0.PlusSeconds(60)),
            cp.Status(1, "Charging", T0.PlusSeconds(61)),
            cp.Status(2, "Faulted", T0.PlusSeconds(62)),
            other.Status(1, "Available", T0.PlusSeconds(63)),
            cp.Heartbeat(T0.PlusSeconds(100)),
            cp.Rejected(T0.PlusSeconds(200), """{"broken":""", "payload is not valid JSON"),
            cp.Stop(51, 1, "tag-x", 100, 3_100, T0.PlusSeconds(600)),
            cp.Meter(51, 1, T0.PlusSeconds(300), 1_600, receivedAt: T0.PlusSeconds(700)),
            cp.Status(1, "Available", T0.PlusSeconds(605)),
            cp.OrphanStop(-1, 9_999, T0.PlusSeconds(610)),
            cp.Status(1, "Available", T0.PlusHours(2)));
        await db.ProjectAsync();
        var query = new AuditTrailQuery(db.DataSource);

        var trail = await query.ForTransactionAsync(51, null, CancellationToken.None);

        Assert.NotNull(trail);
        Assert.Equal(
            ["ChargePointConnected", "ChargePointBooted", "AuthorizationAnswered", "TransactionIdAssigned", "TransactionStarted", "ConnectorStatusReported",
             "MessageRejected", "MeterValuesRecorded", "TransactionStopped", "ConnectorReleased", "ConnectorStatusReported", "OrphanStopRecorded"],
            trail.Events.Select(e => e.Type));
        Assert.Equal(trail.Events.Select(e => e.OccurredAt).Order(), trail.Events.Select(e => e.OccurredAt));
        Assert.Equal(["chargepoint-CP-R1", "orphans-CP-R1", "transaction-51"], trail.Streams);
        var late = trail.Events.Single(e => e.Type == "MeterValuesRecorded");
        Assert.Equal((T0.PlusSeconds(300), T0.PlusSeconds(700)), (late.OccurredAt, late.ReceivedAt!.Value));
        var start = trail.Events.Single(e => e.Type == "TransactionStarted");
        Assert.Equal("ocpp/cp/CP-R1", start.Topic);
        Assert.Contains("\"Action\":\"StartTransaction\"", start.Raw, StringComparison.Ordinal);
        Assert.Equal(start.OcppMessageId, JsonDocument.Parse(start.Raw!).RootElement.GetProperty("UniqueId").GetString());
        using (var sent = JsonDocument.Parse(start.Sent!))
        {
            Assert.Equal(3, sent.RootElement[0].GetInt32());
            Assert.Equal(start.OcppMessageId, sent.RootElement[1].GetString());
            Assert.Equal(51, sent.RootElement[2].GetProperty("transactionId").GetInt32());
            Assert.Equal("Accepted", sent.RootElement[2].GetProperty("idTagInfo").GetProperty("status").GetString());
        }
        var stored = (await db.Store.ReadStreamAsync("transaction-51", 0, 10, CancellationToken.None)).Single(e => e.Position == start.Position);
        Assert.Equal(Convert.ToHexStringLower(stored.Hash.Span), start.Hash);
        Assert.Equal(51, JsonDocument.Parse(start.Data).RootElement.GetProperty("transactionId").GetInt32());
        using (var error = JsonDocument.Parse(trail.Events.Single(e => e.Type == "MessageRejected").Sent!))
        {
            Assert.Equal((4, "FormationViolation"), (error.RootElement[0].GetInt32(), error.RootElement[2].GetString()));
        }

        var verifications = await Task.WhenAll(trail.Streams.Select(s => db.Store.VerifyStreamAsync(s, CancellationToken.None)));
        Assert.All(verifications, v => Assert.True(v.Valid, v.Reason));

        var complaint = await query.ForChargePointAsync("CP-R1", "TAG-OTHER", T0, T0.PlusHours(1), includeHeartbeats: true, CancellationToken.None);
        Assert.Contains(complaint.Events, e => e.Type == "HeartbeatReceived");
        Assert.DoesNotContain(complaint.Events, e => e.TransactionId == 51);
        using var authorization = JsonDocument.Parse(Assert.Single(complaint.Events, e => e.Type == "AuthorizationAnswered").Data);
        Assert.Equal("TAG-OTHER", authorization.RootElement.GetProperty("idTag").GetString());
    }

    [Fact]
    public async Task GivenATrailWhoseStreamWasTamperedWith_WhenItsChainsAreVerified_ThenTheTamperedStreamIsInvalid()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_tamper");
        var cp = new ChargePointScript("CP-R3");
        await db.AppendAsync(
            cp.Authorize("TAG-Y", T0),
            cp.Start(52, 1, "TAG-Y", 0, T0.PlusSeconds(5)),
            cp.Stop(52, 1, "TAG-Y", 0, 20_000, T0.PlusHours(1)));
        await db.ProjectAsync();
        // The role owns the event table: an insider lowering the billed energy by hand.
        await db.ExecuteAsync("""
            UPDATE events SET data = jsonb_set(data::jsonb, '{meterStop}', '2000')::json WHERE stream_id = 'transaction-52' AND type = 'TransactionStopped'
            """);

        var trail = await new AuditTrailQuery(db.DataSource).ForTransactionAsync(52, null, CancellationToken.None);
        var verifications = await Task.WhenAll(trail!.Streams.Select(s => db.Store.VerifyStreamAsync(s, CancellationToken.None)));

        var chainValid = verifications.All(v => v.Valid);
        Assert.False(chainValid);
        var broken = Assert.Single(verifications, v => !v.Valid);
        Assert.Equal("transaction-52", broken.StreamId);
        Assert.True(verifications.Single(v => v.StreamId == "chargepoint-CP-R3").Valid);
        Assert.Null(await new AuditTrailQuery(db.DataSource).ForTransactionAsync(99, null, CancellationToken.None));
    }
}
