using System.Text;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.EventStore.Tests;

public sealed class IsoInstantUtf8Tests
{
    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1_763_720_130L, 123_456_789)]
    [InlineData(1_763_720_130L, 100_000_000)]
    [InlineData(1_763_720_130L, 120)]
    [InlineData(-1L, 999_999_999)]
    [InlineData(-62_135_596_800L, 7)]
    [InlineData(253_402_300_799L, 999_999_999)]
    [InlineData(1_709_164_800L, 0)] // 2024-02-29
    public void GivenTheExtendedIsoTextOfAnInstant_WhenParsedFromUtf8_ThenItIsThatInstant(long unixSeconds, int nanoseconds)
    {
        var instant = Instant.FromUnixTimeSeconds(unixSeconds).PlusNanoseconds(nanoseconds);

        Assert.True(IsoInstantUtf8.TryParse(Encoding.UTF8.GetBytes(InstantPattern.ExtendedIso.Format(instant)), out var parsed));
        Assert.Equal(instant, parsed);
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
