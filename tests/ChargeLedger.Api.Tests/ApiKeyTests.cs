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
    public async Task GivenAStoredKey_WhenItsRowAndEveryTableAreRead_ThenTheyHoldTheSecretsHashAndNeverTheSecret()
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
        await reader.CloseAsync();
        Assert.Empty(await TablesHoldingAsync(created.Secret));
        Assert.Contains("api_keys", await TablesHoldingAsync(created.Key.Name)); // the scan does find what is stored
    }

    /// <summary>Every table of the database whose rows, as text, contain <paramref name="text"/>.</summary>
    private async Task<List<string>> TablesHoldingAsync(string text)
    {
        var tables = new List<string>();
        await using (var list = api.DataSource.CreateCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"))
        await using (var names = await list.ExecuteReaderAsync())
        {
            while (await names.ReadAsync())
            {
                tables.Add(names.GetString(0));
            }
        }
        var holding = new List<string>();
        foreach (var table in tables)
        {
            await using var scan = api.DataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {table} t WHERE strpos(t::text, $1) > 0)");
            scan.Parameters.Add(new Npgsql.NpgsqlParameter { Value = text });
            if ((bool)(await scan.ExecuteScalarAsync())!)
            {
                holding.Add(table.Split('.')[^1]);
            }
        }
        return holding;
    }
}
