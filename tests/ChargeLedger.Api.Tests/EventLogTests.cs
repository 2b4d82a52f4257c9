using System.Net;
using ChargeLedger.Domain.ChargePoints;
using NodaTime;

namespace ChargeLedger.Api.Tests;

public sealed class EventLogTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 21, 10, 0);

    [Fact]
    public async Task GivenALog_WhenReadPageByPageFromTheStart_ThenEveryEventComesOnceInCommitOrderWithCheckpoints()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now));
        for (var i = 0; i < 24; i++)
        {
            await api.AppendAsync("chargepoint-" + cid, new HeartbeatReceived(cid, "hb-" + i, Now.Plus(Duration.FromSeconds(i))));
        }
        using var client = api.Client("auditor");

        // Pages stop below the oldest transaction still running anywhere on the server (other tests' too), so
        // the reader keeps polling from its checkpoint until every event is visible.
        var positions = new List<long>();
        var after = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (positions.Count < 25 && DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync($"/events?limit=10&after={after}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            foreach (var e in body.GetProperty("items").EnumerateArray())
            {
                positions.Add(e.GetProperty("position").GetInt64());
                Assert.Equal(64, e.GetProperty("hash").GetString()!.Length);
                Assert.Equal(cid, e.GetProperty("data").GetProperty("chargePointId").GetString());
            }
            after = body.GetProperty("next").GetString()!;
            if (body.GetProperty("atHead").GetBoolean())
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(25, positions.Count);
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task GivenAStream_WhenItsChainIsVerified_ThenItIsValidWithTheEventCount()
    {
        var cid = "cp-" + Guid.NewGuid().ToString("N")[..8];
        await api.AppendAsync("chargepoint-" + cid, new ChargePointRegistered(cid, Now), new HeartbeatReceived(cid, "hb", Now));
        using var client = api.Client("auditor");

        using var response = await client.GetAsync($"/audit/streams/chargepoint-{cid}/verify");

        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("chainValid").GetBoolean());
        Assert.Equal(2, body.GetProperty("eventsChecked").GetInt64());
    }

    [Fact]
    public async Task GivenNoSuchStream_WhenVerified_ThenItIsA404NamingTheStream()
    {
        using var client = api.Client("auditor");

        using var response = await client.GetAsync("/audit/streams/chargepoint-none/verify");

        await response.AssertProblemAsync(404, "streamId");
    }

    [Theory]
    [InlineData("/events?after=yesterday", "after")]
    [InlineData("/events?limit=0", "limit")]
    [InlineData("/events?limit=100000", "limit")]
    public async Task GivenBadPagingInput_WhenTheLogIsRead_ThenItIsA400NamingTheField(string path, string field)
    {
        using var client = api.Client("auditor");

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(400, field);
    }
}
