using System.Net;
using System.Net.Http.Json;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Serialization;

namespace ChargeLedger.Api.Tests;

public sealed class IdTagTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenANewTag_WhenRegisteredAndThenBlocked_ThenBothAreRecordedInItsStream()
    {
        var tag = "T" + Guid.NewGuid().ToString("N")[..8];
        using var client = api.Client("support");

        using var registered = await client.PostAsJsonAsync("/id-tags", new { idTag = tag, billingAccount = "acct-1", expiryDate = "2027-01-01T00:00:00Z" });
        using var blocked = await client.PostAsJsonAsync($"/id-tags/{tag}/block", new { reason = "lost card" });
        using var again = await client.PostAsJsonAsync($"/id-tags/{tag}/block", new { reason = "lost card" });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.True((await blocked.JsonAsync()).GetProperty("blocked").GetBoolean());
        Assert.False((await again.JsonAsync()).GetProperty("changed").GetBoolean());
        var events = await api.Store.ReadStreamAsync("idtag-" + tag.ToUpperInvariant(), 0, 10, CancellationToken.None);
        Assert.Collection(events.Select(e => EventSerializer.Deserialize(e.Type, e.Data.Span)),
            e => Assert.Equal("acct-1", Assert.IsType<IdTagRegistered>(e).BillingAccount),
            e => Assert.Equal("lost card", Assert.IsType<IdTagBlocked>(e).Reason));
    }

    [Fact]
    public async Task GivenAnUnknownTag_WhenBlocked_ThenItIsA404NamingTheTag()
    {
        using var client = api.Client("support");

        using var response = await client.PostAsJsonAsync("/id-tags/NOBODY/block", new { });

        await response.AssertProblemAsync(404, "idTag");
    }
}
