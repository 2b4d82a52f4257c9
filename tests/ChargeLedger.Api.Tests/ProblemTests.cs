using System.Net.Http.Json;
using System.Text;

namespace ChargeLedger.Api.Tests;

public sealed class ProblemTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenAMalformedJsonBody_WhenACommandIsSent_ThenItIsA400ProblemNotA500()
    {
        using var client = api.Client("support");

        using var response = await client.PostAsync("/id-tags", new StringContent("{\"idTag\": ", Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task GivenAnOversizeBody_WhenACommandIsSent_ThenItIsA413NamingTheBody()
    {
        using var client = api.Client("support");
        var huge = new string('x', 200 * 1024);

        using var response = await client.PostAsJsonAsync("/id-tags", new { idTag = "T1", billingAccount = huge });

        await response.AssertProblemAsync(413, "body");
    }

    [Fact]
    public async Task GivenAMalformedDate_WhenAnIdTagIsRegistered_ThenItIsA400NamingTheField()
    {
        using var client = api.Client("support");

        using var response = await client.PostAsJsonAsync("/id-tags", new { idTag = "T1", expiryDate = "next tuesday" });

        await response.AssertProblemAsync(400, "expiryDate");
    }

    [Fact]
    public async Task GivenAQueryValueHoldingUPlus0000_WhenARouteIsCalled_ThenItIsA400NamingTheParameter()
    {
        using var client = api.Client("admin");

        using var response = await client.GetAsync("/transactions?idTag=%00%01");

        await response.AssertProblemAsync(400, "idTag");
    }

    [Fact]
    public async Task GivenAnUnknownRoute_WhenCalled_ThenItIsA404Problem()
    {
        using var client = api.Client("admin");

        using var response = await client.GetAsync("/no/such/route");

        await response.AssertProblemAsync(404);
    }
}
