using System.Net;
using ChargeLedger.Api.Security;

namespace ChargeLedger.Api.Tests;

public sealed class ApiKeyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenARevokedKey_WhenUsed_ThenItIs401()
    {
        var keys = new ApiKeyStore(api.DataSource);
        var created = await keys.CreateAsync("to-revoke", [ApiRoles.Auditor], CancellationToken.None);
        Assert.True(await keys.RevokeAsync(created.Key.KeyId, CancellationToken.None));
        using var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", created.Secret);

        using var response = await client.GetAsync("/events");

        await response.AssertProblemAsync(401, "X-Api-Key");
    }

    [Fact]
    public async Task GivenAKeyWithTwoRoles_WhenCallingEitherAudience_ThenBothAreAllowed()
    {
        var created = await new ApiKeyStore(api.DataSource).CreateAsync("two-roles", [ApiRoles.Auditor, ApiRoles.Billing], CancellationToken.None);
        using var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", created.Secret);

        using var events = await client.GetAsync("/events");
        using var support = await client.GetAsync("/charge-points/cp-x/commands/c-x");

        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        await support.AssertProblemAsync(403);
    }

    [Fact]
    public async Task GivenAStoredKey_WhenItsRowIsRead_ThenItHoldsTheSecretsHashAndNeverTheSecret()
    {
        var created = await new ApiKeyStore(api.DataSource).CreateAsync("hashed", [ApiRoles.Support], CancellationToken.None);
        await using var command = api.DataSource.CreateCommand(
            "SELECT key_hash, strpos(row_to_json(k)::text, $2) FROM api_keys k WHERE key_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = created.Key.KeyId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = created.Secret });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(ApiKeySecret.Hash(created.Secret), reader.GetFieldValue<byte[]>(0));
        Assert.Equal(0, reader.GetInt32(1));
    }
}
