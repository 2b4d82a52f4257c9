using System.Text.Json;
using ChargeLedger.Domain.Serialization;
using NodaTime;
using NodaTime.Text;
using Xunit;

namespace ChargeLedger.Domain.Tests.Serialization;

/// <summary>Instants are written without NodaTime's pattern engine: the text must stay exactly <see cref="InstantPattern.ExtendedIso"/>'s.</summary>
public sealed class InstantJsonConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new InstantJsonConverter() } };

    [Theory]
    [InlineData(2026, 11, 21, 8, 0, 0, 0L)]
    [InlineData(2026, 11, 21, 8, 0, 0, 500_000_000L)]
    [InlineData(2026, 11, 21, 8, 0, 0, 120_000_000L)]
    [InlineData(2026, 11, 21, 8, 0, 0, 1L)]
    [InlineData(2026, 11, 21, 8, 0, 0, 999_999_999L)]
    [InlineData(2024, 2, 29, 23, 59, 59, 123_456_700L)]
    [InlineData(1, 1, 1, 0, 0, 0, 0L)]
    [InlineData(9999, 12, 31, 23, 59, 59, 999_999_999L)]
    public void GivenAnInstant_WhenWritten_ThenTheTextIsExtendedIso(int year, int month, int day, int hour, int minute, int second, long nanoseconds)
    {
        var instant = Instant.FromUtc(year, month, day, hour, minute, second).PlusNanoseconds(nanoseconds);

        Assert.Equal("\"" + InstantPattern.ExtendedIso.Format(instant) + "\"", JsonSerializer.Serialize(instant, Options));
    }

    [Fact]
    public void GivenInstantsBeforeYearOne_WhenWritten_ThenTheTextIsExtendedIso()
    {
        var instant = Instant.FromUtc(-5, 6, 1, 12, 0);

        Assert.Equal("\"" + InstantPattern.ExtendedIso.Format(instant) + "\"", JsonSerializer.Serialize(instant, Options));
    }

    [Fact]
    public void GivenSeededRandomInstants_WhenWrittenAndRead_ThenTextAndInstantMatchExtendedIso()
    {
        var random = new Random(2026);
        for (var i = 0; i < 20_000; i++)
        {
            var instant = Instant.FromUnixTimeTicks(random.NextInt64(-62_135_596_800L * TimeSpan.TicksPerSecond, 253_402_300_799L * TimeSpan.TicksPerSecond))
                .PlusNanoseconds(random.Next(100));
            var json = JsonSerializer.Serialize(instant, Options);

            Assert.Equal("\"" + InstantPattern.ExtendedIso.Format(instant) + "\"", json);
            Assert.Equal(instant, JsonSerializer.Deserialize<Instant>(json, Options));
        }
    }

    [Theory]
    [InlineData("\"2026-11-21T10:00:00.5\\u005A\"")]   // escaped: read by the pattern
    [InlineData("\"-0005-06-01T12:00:00Z\"")]            // before year one
    public void GivenTextOutsideThePlainUtf8Shape_WhenRead_ThenThePatternReadsIt(string json)
    {
        var text = JsonSerializer.Deserialize<string>(json)!;

        Assert.Equal(InstantPattern.ExtendedIso.Parse(text).Value, JsonSerializer.Deserialize<Instant>(json, Options));
    }

    [Fact]
    public void GivenTextThatIsNoInstant_WhenRead_ThenTheErrorNamesIt()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Instant>("\"2026-02-30T10:00:00Z\"", Options));

        Assert.Contains("2026-02-30T10:00:00Z", error.Message, StringComparison.Ordinal);
    }
}
