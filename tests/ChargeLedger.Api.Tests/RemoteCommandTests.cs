using System.Net;
using System.Net.Http.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using NodaTime;

namespace ChargeLedger.Api.Tests;

public sealed class RemoteCommandTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 21, 10, 0);

    [Fact]
    public async Task GivenAKnownChargePoint_WhenAResetIsRequested_ThenItIsRecordedAndAcceptedWithItsCommandId()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");

        using var response = await client.PostAsJsonAsync($"/charge-points/{cid}/commands/Reset", new { type = "Soft" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        var commandId = body.GetProperty("commandId").GetString()!;
        Assert.Equal($"/charge-points/{cid}/commands/{commandId}", response.Headers.Location?.OriginalString);
        var events = await api.Store.ReadStreamAsync("chargepoint-" + cid, 0, 100, CancellationToken.None);
        var requested = Assert.IsType<RemoteCommandRequested>(EventSerializer.Deserialize(events[^1].Type, events[^1].Data.Span));
        Assert.Equal((commandId, RemoteAction.Reset, """{"type":"Soft"}""", "test-support"), (requested.CommandId, requested.Action, requested.PayloadJson, requested.RequestedBy));
    }

    [Fact]
    public async Task GivenACommandWithAnIdempotencyKey_WhenItIsRepeated_ThenTheFirstResultIsReturnedAndOnlyOneCommandRecorded()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> SendAsync(object payload)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/charge-points/{cid}/commands/UnlockConnector") { Content = JsonContent.Create(payload) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        using var first = await SendAsync(new { connectorId = 1 });
        using var second = await SendAsync(new { connectorId = 1 });
        using var different = await SendAsync(new { connectorId = 2 });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        await different.AssertProblemAsync(422, "Idempotency-Key");
        var events = await api.Store.ReadStreamAsync("chargepoint-" + cid, 0, 100, CancellationToken.None);
        Assert.Single(events, e => e.Type == nameof(RemoteCommandRequested));
    }

    [Fact]
    public async Task GivenIdenticalRequestsWithOneIdempotencyKeySentAtOnce_WhenTheyRace_ThenAllGetTheSameResponseAndOneCommandIsRecorded()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");
        var key = Guid.NewGuid().ToString();

        async Task<(HttpStatusCode Status, string Body)> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/charge-points/{cid}/commands/Reset") { Content = JsonContent.Create(new { type = "Hard" }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(SendAsync)));

        Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.Accepted, $"{(int)r.Status} {r.Body}"));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        var events = await api.Store.ReadStreamAsync("chargepoint-" + cid, 0, 100, CancellationToken.None);
        Assert.Single(events, e => e.Type == nameof(RemoteCommandRequested));
    }

    [Fact]
    public async Task GivenARecordedCommand_WhenTheDispatcherSentItAndTheChargePointReplied_ThenItsStateSaysReplied()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");
        using var accepted = await client.PostAsJsonAsync($"/charge-points/{cid}/commands/TriggerMessage", new { requestedMessage = "Heartbeat" });
        var command = await accepted.JsonAsync();
        var commandId = command.GetProperty("commandId").GetString()!;
        var uniqueId = command.GetProperty("uniqueId").GetString()!;

        using var requested = await client.GetAsync(accepted.Headers.Location);
        Assert.Equal("Requested", (await requested.JsonAsync()).GetProperty("status").GetString());

        await api.AppendAsync("chargepoint-" + cid,
            new RemoteCommandSent(cid, commandId, uniqueId, Now.Plus(Duration.FromSeconds(1))),
            new RemoteCommandReplied(cid, commandId, uniqueId, """{"status":"Accepted"}""", Now.Plus(Duration.FromSeconds(2))));
        using var replied = await client.GetAsync(accepted.Headers.Location);

        var state = await replied.JsonAsync();
        Assert.Equal("Replied", state.GetProperty("status").GetString());
        Assert.Equal("TriggerMessage", state.GetProperty("action").GetString());
        Assert.Equal("Accepted", state.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("2026-11-21T10:00:01Z", state.GetProperty("sentAt").GetString());
        Assert.Equal("2026-11-21T10:00:02Z", state.GetProperty("answeredAt").GetString());
    }

    [Fact]
    public async Task GivenAnUnknownChargePoint_WhenACommandIsRequested_ThenItIsA404NamingTheId()
    {
        using var client = api.Client("support");

        using var response = await client.PostAsJsonAsync("/charge-points/nobody/commands/Reset", new { type = "Hard" });

        await response.AssertProblemAsync(404, "id");
    }

    [Theory]
    [InlineData("Reboot", """{"type":"Hard"}""", "action")]
    [InlineData("Reset", """{"type":"Sideways"}""", "type")]
    [InlineData("Reset", """{}""", "type")]
    [InlineData("UnlockConnector", """{"connectorId":"one"}""", "connectorId")]
    [InlineData("RemoteStartTransaction", """{"idTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}""", "idTag")]
    [InlineData("RemoteStopTransaction", """{"transactionId":1,"extra":true}""", "extra")]
    [InlineData("ChangeAvailability", """[1,2]""", "body")]
    public async Task GivenAnInvalidCommand_WhenRequested_ThenItIsA400NamingTheField(string action, string payload, string field)
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");

        using var response = await client.PostAsync($"/charge-points/{cid}/commands/{action}", new StringContent(payload, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(400, field);
    }

    [Fact]
    public async Task GivenAnUnknownCommandId_WhenItsStateIsRead_ThenItIsA404NamingTheCommandId()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        using var client = api.Client("support");

        using var response = await client.GetAsync($"/charge-points/{cid}/commands/{Guid.NewGuid()}");

        await response.AssertProblemAsync(404, "commandId");
    }
}
