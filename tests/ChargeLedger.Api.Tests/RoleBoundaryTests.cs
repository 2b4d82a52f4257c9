using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
        using var client = api.Client(RouteTable.Strangers.Contains(role) ? null : role);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (role == "(unknown key)")
        {
            request.Headers.Add("X-Api-Key", "clk_" + Guid.NewGuid().ToString("N"));
        }
        else if (role == "(malformed header)")
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer");
        }
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        if (RouteTable.Strangers.Contains(role))
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
    public void GivenTheHostsEndpoints_WhenListed_ThenEveryProtectedOneIsInTheRouteTableWithTheSameAudiences()
    {
        var mapped = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.OfType<AuthorizationPolicy>().Any())
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => (
                Method: method,
                Template: e.RoutePattern.RawText!,
                Roles: e.Metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>()).SelectMany(r => r.AllowedRoles).ToHashSet())))
            .ToList();

        Assert.True(mapped.Count >= RouteTable.All.Count, $"{mapped.Count} protected endpoints mapped");
        foreach (var (method, template, roles) in mapped)
        {
            var route = RouteTable.All.SingleOrDefault(r => r.Method == method && TemplateMatches(template, r.Path));
            Assert.True(route is not null, $"{method} {template} is protected but not in the route table, so no role test covers it");
            Assert.True(roles.SetEquals(route.Audiences.Append("admin")), $"{method} {template} allows {string.Join(",", roles)}, the table says {string.Join(",", route.Audiences)}+admin");
        }
    }

    private static bool TemplateMatches(string template, string path)
    {
        var a = template.Split('/');
        var b = path.Split('?')[0].Split('/');
        return a.Length == b.Length && a.Zip(b).All(p => p.First.StartsWith('{') || p.First == p.Second);
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
