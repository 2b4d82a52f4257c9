using System.Text.Json;
using ChargeLedger.Gateway.Hosting;
using ChargeLedger.Gateway.Security;

namespace ChargeLedger.Gateway.Tests;

public sealed class PasswordsCommandTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gw-credentials-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private int Run(string input, out string output, params string[] args)
    {
        using var writer = new StringWriter();
        var code = PasswordsCommand.Run(args, new GatewaySettings { CredentialsPath = _path }, writer, new StringReader(input));
        output = writer.ToString();
        return code;
    }

    [Fact]
    public void GivenPasswordsSetByTheCli_WhenTheGatewayVerifiesThem_ThenOnlyTheRightPasswordPassesAndNothingIsStoredInClear()
    {
        Assert.Equal(0, Run("", out _, "set", "CP001", "first-secret"));
        Assert.Equal(0, Run("from-stdin\n", out _, "set", "CP002"));

        var store = new CredentialStore(_path);
        Assert.True(store.Verify("CP001", "first-secret"));
        Assert.False(store.Verify("CP001", "First-secret"));
        Assert.True(store.Verify("CP002", "from-stdin"));
        var file = File.ReadAllText(_path);
        Assert.DoesNotContain("first-secret", file, StringComparison.Ordinal);
        var entries = JsonSerializer.Deserialize<Dictionary<string, StoredCredential>>(file)!;
        Assert.NotEqual(entries["CP001"].Salt, entries["CP002"].Salt);
        Assert.Equal(CredentialStore.DefaultIterations, entries["CP001"].Iterations);

        Assert.Equal(0, Run("", out var listed, "list"));
        Assert.Equal(["CP001", "CP002"], listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(0, Run("", out _, "remove", "CP001"));
        Assert.False(store.Verify("CP001", "first-secret"));
    }

    [Fact]
    public void GivenAnIdentityThatCannotBeATopicLevel_WhenSettingItsPassword_ThenTheCliRefuses()
    {
        Assert.Equal(2, Run("", out var output, "set", "CP/1", "pw"));
        Assert.Contains("unsupported_clientid", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_path));
    }
}
