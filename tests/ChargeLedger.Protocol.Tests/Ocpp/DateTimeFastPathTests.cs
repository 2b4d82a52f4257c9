using System.Globalization;
using ChargeLedger.Protocol.Ocpp;
using NodaTime;
using Xunit;

namespace ChargeLedger.Protocol.Tests.Ocpp;

/// <summary>The common UTC shape is read without the general parser: it must decide exactly as the general parser does.</summary>
public sealed class DateTimeFastPathTests
{
    [Theory]
    [InlineData("2026-11-21T08:00:00Z")]
    [InlineData("2026-11-21T08:00:00.1Z")]
    [InlineData("2026-11-21T08:00:00.123Z")]
    [InlineData("2026-11-21T08:00:00.1234567Z")]
    [InlineData("2026-11-21T23:59:59.9999999Z")]
    [InlineData("2024-02-29T12:30:45.050Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("2026-11-21T08:00:00.Z")]
    public void GivenAUtcDateTime_WhenParsed_ThenItIsTheInstantTheGeneralParserReads(string text)
    {
        var expected = Instant.FromDateTimeOffset(DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None));

        Assert.True(OcppDateTime.TryParse(text, out var instant));
        Assert.Equal(expected, instant);
    }

    [Theory]
    [InlineData("2026-11-21T08:00:00.12345678Z")]
    [InlineData("2025-02-29T08:00:00Z")]
    [InlineData("2026-04-31T08:00:00Z")]
    [InlineData("2026-13-01T08:00:00Z")]
    [InlineData("2026-00-01T08:00:00Z")]
    [InlineData("2026-11-00T08:00:00Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T08:60:00Z")]
    [InlineData("2026-11-21T08:00:60Z")]
    [InlineData("0000-11-21T08:00:00Z")]
    [InlineData("2026-11-21T08:00:0aZ")]
    [InlineData("2026-11-21T08:00:00,5Z")]
    [InlineData("+026-11-21T08:00:00Z")]
    public void GivenAUtcShapeTheGeneralParserRefuses_WhenParsed_ThenItIsRefused(string text)
    {
        Assert.False(DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        Assert.False(OcppDateTime.TryParse(text, out _));
    }

    [Fact]
    public void GivenEveryMillisecondOfADay_WhenFormattedAndParsed_ThenTheInstantComesBack()
    {
        var start = Instant.FromUtc(2026, 3, 29, 0, 0);
        for (var ms = 0L; ms < 86_400_000; ms += 997)
        {
            var instant = start + Duration.FromMilliseconds(ms);
            Assert.True(OcppDateTime.TryParse(OcppDateTime.Format(instant), out var back));
            Assert.Equal(instant, back);
        }
    }
}
