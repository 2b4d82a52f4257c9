using System.Text;
using ChargeLedger.Primitives;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.EventStore.Tests;

public sealed class IsoInstantUtf8Tests
{
    [Theory]
    [MemberData(nameof(InstantCases.All), MemberType = typeof(InstantCases))]
    public void GivenTheExtendedIsoTextOfAnInstant_WhenParsedFromUtf8_ThenItIsThatInstantForYears1To9999AndLeftToThePatternOtherwise(long unixSeconds, int nanoseconds)
    {
        var instant = Instant.FromUnixTimeSeconds(unixSeconds).PlusNanoseconds(nanoseconds);
        var inRange = instant.InUtc().Year is >= 1 and <= 9999;

        Assert.Equal(inRange, IsoInstantUtf8.TryParse(Encoding.UTF8.GetBytes(InstantPattern.ExtendedIso.Format(instant)), out var parsed));
        Assert.Equal(inRange ? instant : default, parsed);
    }

    [Theory]
    [InlineData("2026-11-21T10:00:00")]
    [InlineData("2026-11-21T10:00:00+01:00")]
    [InlineData("2026-11-21 10:00:00Z")]
    [InlineData("2026-02-29T10:00:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T10:00:60Z")]
    [InlineData("2026-11-21T10:00:00.Z")]
    [InlineData("2026-11-21T10:00:00.1234567890Z")]
    [InlineData("2026-11-21T10:00:00,5Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2026-1a-21T10:00:00Z")]
    [InlineData("")]
    public void GivenTextThatIsNotAnExtendedIsoUtcInstant_WhenParsed_ThenItIsRefused(string text) =>
        Assert.False(IsoInstantUtf8.TryParse(Encoding.UTF8.GetBytes(text), out _));
}
