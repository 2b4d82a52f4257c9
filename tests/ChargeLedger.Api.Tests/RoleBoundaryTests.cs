using System.Net;
using System.Text;

namespace ChargeLedger.Api.Tests;

public sealed class RoleBoundaryTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [MemberData(nameof(RouteTable.Cases), MemberType = typeof(RouteTable))]
    public async Task GivenARoute_WhenCalledWithEachRole_ThenOnlyItsAudiencesAndAdminGetPast401And403(string method, string path, string role, bool allowed)
    {
        await api.EnsureProjectedAsync();
        using var client = api.Client(role == "(none)" ? null : role);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        if (role == "(none)")
        {
            await response.AssertProblemAsync(401, "X-Api-Key");
        }
        else if (!allowed)
        {
            await response.AssertProblemAsync(403, "X-Api-Key");
        }
        else
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.True((int)response.StatusCode < 500, $"{method} {path} as {role}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task GivenAnUnknownKey_WhenCallingARoute_ThenItIs401()
    {
        using var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "clk_not-a-key");

        using var response = await client.GetAsync("/events");

        await response.AssertProblemAsync(401, "X-Api-Key");
    }
}
