using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ChargeLedger.EventStore;

namespace ChargeLedger.Api.Tests;

/// <summary>The host's <c>keys create|list|revoke</c> CLI, run as the real executable against the class's database.</summary>
public sealed partial class KeysCommandTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenTheKeysCli_WhenAKeyIsCreatedListedAndRevoked_ThenItWorksUntilRevokedAndTheListSaysSo()
    {
        var created = await RunAsync("create", "--role", "auditor", "--role", "billing", "--name", "cli-key");
        Assert.Equal(0, created.ExitCode);
        var id = IdLine().Match(created.Output).Groups[1].Value;
        var secret = KeyLine().Match(created.Output).Groups[1].Value;
        Assert.StartsWith("clk_", secret, StringComparison.Ordinal);
        using var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", secret);
        using (var allowed = await client.GetAsync("/events?limit=1"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var listed = await RunAsync("list");
        var revoked = await RunAsync("revoke", id);
        var again = await RunAsync("revoke", id);
        var listedAfter = await RunAsync("list");

        Assert.Equal(0, listed.ExitCode);
        var line = Assert.Single(listed.Output.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Contains("auditor,billing", line, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("REVOKED", line, StringComparison.Ordinal);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("REVOKED", Assert.Single(listedAfter.Output.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal)), StringComparison.Ordinal);
        await using var factory = api.CreateFactory(new Dictionary<string, string> { ["CHARGELEDGER_API_KEY_CACHE_SECONDS"] = "0" });
        using var afterRevoke = factory.CreateClient();
        afterRevoke.DefaultRequestHeaders.Add("X-Api-Key", secret);
        using var refused = await afterRevoke.GetAsync("/events?limit=1");
        await refused.AssertProblemAsync(401, "X-Api-Key");
    }

    [Theory]
    [InlineData("create", "--role", "root", "--name", "x")]
    [InlineData("create", "--name", "no-role")]
    [InlineData("revoke", "not-a-guid")]
    [InlineData("rotate")]
    public async Task GivenBadArguments_WhenTheKeysCliRuns_ThenItPrintsUsageAndExits2(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage:", result.Error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChargeLedger.Api.dll"));
        start.ArgumentList.Add("keys");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[PostgresSettings.EnvironmentVariable] = api.ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"^id:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex IdLine();

    [GeneratedRegex(@"^key:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
