using System.Net;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using static ChargeLedger.Api.Tests.TariffScenario;

namespace ChargeLedger.Api.Tests;

/// <summary>Tariffs assigned to charge points through the API, and a session at an assigned charge point priced with its tariff.</summary>
public sealed class TariffAssignmentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static Task<HttpResponseMessage> AssignAsync(HttpClient client, string cid, object body, string? key = null) =>
        client.PostJsonAsync($"/charge-points/{cid}/tariff-assignments", body, key);

    [Fact]
    public async Task GivenAPublishedTariff_WhenAssignedTwiceWithTheSameIdempotencyKey_ThenOneAssignmentIsRecordedAndListed()
    {
        await api.PublishAsync("fast", "0.60");
        var cid = await api.ChargePointAsync();
        using var billing = api.Client("billing");
        var key = Guid.NewGuid().ToString();
        var body = new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(1)) };

        using var first = await AssignAsync(billing, cid, body, key);
        using var second = await AssignAsync(billing, cid, body, key);
        using var list = await api.Client("auditor").GetAsync($"/charge-points/{cid}/tariff-assignments");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        var assignment = Assert.Single((await list.JsonAsync()).GetProperty("assignments").EnumerateArray());
        Assert.Equal("fast", assignment.GetProperty("tariffId").GetString());
        Assert.Single(await api.Store.ReadStreamAsync("tariffassignment-" + cid, 0, 10, CancellationToken.None), e => e.Type == nameof(TariffAssigned));
    }

    [Fact]
    public async Task GivenAnUnknownTariffOrChargePoint_WhenAssigning_ThenNotFoundNamingTheField()
    {
        await api.PublishAsync("fast", "0.60");
        var cid = await api.ChargePointAsync();
        using var billing = api.Client("billing");

        using var unknownTariff = await AssignAsync(billing, cid, new { tariffId = "no-such-tariff", validFrom = Iso(Now) });
        using var unknownChargePoint = await AssignAsync(billing, "cp-nowhere-" + Guid.NewGuid().ToString("N")[..6], new { tariffId = "fast", validFrom = Iso(Now) });
        using var missingStart = await AssignAsync(billing, cid, new { tariffId = "fast" });

        await unknownTariff.AssertProblemAsync(404, "tariffId");
        await unknownChargePoint.AssertProblemAsync(404, "id");
        await missingStart.AssertProblemAsync(400, "validFrom");
    }

    [Fact]
    public async Task GivenAnAssignment_WhenAnEarlierStartIsAssigned_ThenRejectedOnValidFrom()
    {
        await api.PublishAsync("fast", "0.60");
        var cid = await api.ChargePointAsync();
        using var admin = api.Client("admin");

        using var first = await AssignAsync(admin, cid, new { tariffId = "fast", validFrom = Iso(Now) });
        using var earlier = await AssignAsync(admin, cid, new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(1)) });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await earlier.AssertProblemAsync(422, "validFrom");
    }

    [Fact]
    public async Task GivenTheSupportRole_WhenAssigning_ThenForbidden()
    {
        var cid = await api.ChargePointAsync();

        using var response = await AssignAsync(api.Client("support"), cid, new { tariffId = "fast", validFrom = Iso(Now) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GivenAnAssignedAndAnUnassignedChargePoint_WhenSessionsAreProjected_ThenEachIsPricedWithItsOwnTariff()
    {
        await api.PublishAsync("default", "0.40");
        await api.PublishAsync("fast", "0.60");
        var assigned = await api.ChargePointAsync();
        var unassigned = await api.ChargePointAsync();
        using (var response = await AssignAsync(api.Client("billing"), assigned, new { tariffId = "fast", validFrom = Iso(Now - Duration.FromDays(2)) }))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var atAssigned = await api.SessionAsync(assigned, Now - Duration.FromHours(2));
        var atUnassigned = await api.SessionAsync(unassigned, Now - Duration.FromHours(2));

        await api.ProjectAllAsync();

        Assert.Equal("6.00", await api.CostAsync(atAssigned)); // 10 kWh × 0.60, VAT 0 %
        Assert.Equal("4.00", await api.CostAsync(atUnassigned)); // 10 kWh × 0.40 (default)
    }
}
