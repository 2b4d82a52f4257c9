using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using NodaTime;
using Xunit.Abstractions;

namespace ChargeLedger.Ingest.Tests;

public sealed class RemoteCommandTests(ITestOutputHelper output) : IAsyncLifetime
{
    private IngestContext context = null!;

    public async Task InitializeAsync()
    {
        context = await IngestContext.CreateAsync("remote", output, s => s with { RemoteCommandTimeout = Duration.FromSeconds(2) });
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task GivenACommandRequestedThroughTheStore_WhenTheChargePointAnswers_ThenTheCallIsSentAndTheReplyCorrelated()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await RequestAsync(cid, "cmd-1", "cs-1");

        var call = Assert.Single(await context.Gateway.FramesAsync(cid, "cs-1"));
        Assert.Equal(2, call.GetProperty("MessageTypeId").GetInt32());
        Assert.Equal("Reset", call.GetProperty("Action").GetString());
        Assert.Equal("Soft", call.GetProperty("Payload").GetProperty("type").GetString());
        await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 2);

        await context.Gateway.PublishAsync(context.Topics.Reply(cid), """{"MessageTypeId":3,"UniqueId":"cs-1","Payload":{"status":"Accepted"}}""");

        var types = await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 3);
        Assert.Equal(["RemoteCommandRequested", "RemoteCommandSent", "RemoteCommandReplied"], types);
        var replied = (await context.EventsAsync(StreamIds.ChargePoint(cid))).Select(e => e.Event).OfType<RemoteCommandReplied>().Single();
        Assert.Equal(("cmd-1", """{"status":"Accepted"}"""), (replied.CommandId, replied.PayloadJson));
    }

    [Fact]
    public async Task GivenTheMigratedSchema_WhenTheDispatcherReadsItsTypes_ThenItsOwnPartialIndexServesTheRead()
    {
        await using var definition = context.DataSource.CreateCommand("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_remote_commands_idx'");
        var indexed = (string)(await definition.ExecuteScalarAsync())!;
        // On a table this small any plan is cheap: forbid the sequential scan to see which index the planner can prove usable.
        await using var connection = await context.DataSource.OpenConnectionAsync();
        await using (var noSeqScan = new Npgsql.NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await noSeqScan.ExecuteNonQueryAsync();
        }
        await using var plan = new Npgsql.NpgsqlCommand("""
            EXPLAIN SELECT position FROM events WHERE (transaction_id, position) > ('0'::xid8, 0) AND (transaction_id, position) <= ('1000000'::xid8, 1000000)
            AND type = ANY($1) ORDER BY transaction_id, position LIMIT 500
            """, connection);
        plan.Parameters.Add(new Npgsql.NpgsqlParameter { Value = RemoteCommands.RemoteCommandDispatcher.FollowedTypes.ToArray() });
        var lines = new List<string>();
        await using (var reader = await plan.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        Assert.Equal(
            RemoteCommands.RemoteCommandDispatcher.FollowedTypes.Order(StringComparer.Ordinal),
            System.Text.RegularExpressions.Regex.Matches(indexed, "'([A-Za-z]+)'::text").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.Contains(lines, line => line.Contains("events_remote_commands_idx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenACommandSent_WhenTheReplyBreaksTheOfficialResponseSchema_ThenTheReplyIsRecordedWithTheReason()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await RequestAsync(cid, "cmd-9", "cs-9");
        await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 2);

        await context.Gateway.PublishAsync(context.Topics.Reply(cid), """{"MessageTypeId":3,"UniqueId":"cs-9","Payload":{"status":"Maybe"}}""");

        Assert.Equal(["RemoteCommandRequested", "RemoteCommandSent", "RemoteCommandReplied"], await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 3));
        var replied = (await context.EventsAsync(StreamIds.ChargePoint(cid))).Select(e => e.Event).OfType<RemoteCommandReplied>().Single();
        Assert.Equal(
            ("cmd-9", """{"status":"Maybe"}""", "PropertyConstraintViolation: Reset response: $.status \"Maybe\" is not one of Accepted, Rejected"),
            (replied.CommandId, replied.PayloadJson, replied.Violation));
    }

    [Fact]
    public async Task GivenACommandTheChargePointNeverAnswers_WhenTheTimeoutPasses_ThenItIsRecordedAsTimedOut()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await RequestAsync(cid, "cmd-2", "cs-2");

        var types = await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 3);

        Assert.Equal(["RemoteCommandRequested", "RemoteCommandSent", "RemoteCommandTimedOut"], types);
        Assert.Single(await context.Gateway.FramesAsync(cid, "cs-2"));
    }

    [Fact]
    public async Task GivenGatewayNotices_WhenIngested_ThenConnectionAndDisconnectionAreRecordedWithTheBrokerTime()
    {
        var cid = "CP-" + Guid.NewGuid().ToString("N")[..8];
        await context.Gateway.PublishAsync(context.NoticeTopic(cid, connected: true), $$"""{"clientid":"{{cid}}","ipaddress":"10.0.0.7","connected_at":1763719200000,"ts":1763719200001}""");
        await context.Gateway.PublishAsync(context.NoticeTopic(cid, connected: false), $$"""{"clientid":"{{cid}}","reason":"keepalive_timeout","disconnected_at":1763722800000}""");

        await context.TypesEventuallyAsync(StreamIds.ChargePoint(cid), 2);
        var events = (await context.EventsAsync(StreamIds.ChargePoint(cid))).Select(e => e.Event).ToList();

        var connected = Assert.IsType<ChargePointConnected>(events[0]);
        Assert.Equal(("10.0.0.7", Instant.FromUnixTimeMilliseconds(1763719200000)), (connected.Detail, connected.BrokerTime));
        var disconnected = Assert.IsType<ChargePointDisconnected>(events[1]);
        Assert.Equal(("keepalive_timeout", Instant.FromUnixTimeMilliseconds(1763722800000)), (disconnected.Reason, disconnected.BrokerTime));
    }

    private Task RequestAsync(string cid, string commandId, string uniqueId) =>
        context.AppendAsync(
            StreamIds.ChargePoint(cid),
            RemoteCommandDecider.Decide(
                new RequestRemoteCommand(cid, commandId, uniqueId, RemoteAction.Reset, """{"type":"Soft"}""", "support@example.com", SystemClock.Instance.GetCurrentInstant()),
                ChargePointState.Empty));
}
