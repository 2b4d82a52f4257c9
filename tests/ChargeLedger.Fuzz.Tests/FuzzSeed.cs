using System.Globalization;
using Xunit.Abstractions;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>
/// The suite's seed: fixed by default so CI is repeatable, overridden with <c>CHARGELEDGER_FUZZ_SEED</c> to explore.
/// Each test derives its own generator from the seed and its name, and prints both, so a failure can be replayed alone.
/// </summary>
public static class FuzzSeed
{
    public const string EnvironmentVariable = "CHARGELEDGER_FUZZ_SEED";
    public const int Default = 20261122;

    public static int Value =>
        int.TryParse(Environment.GetEnvironmentVariable(EnvironmentVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : Default;

    public static Random For(string test, ITestOutputHelper output)
    {
        var seed = Value;
        output.WriteLine($"fuzz seed {seed} ({EnvironmentVariable}={seed} to replay), test '{test}'");
        return new Random(unchecked(seed * 31 + StableHash(test)));
    }

    // string.GetHashCode is randomised per process; FNV-1a is the same in every run.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        return unchecked((int)hash);
    }
}
