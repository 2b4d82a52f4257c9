using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.EventStore.Tests;

public sealed class MetadataJsonTests
{
    [Theory]
    [MemberData(nameof(InstantCases.All), MemberType = typeof(InstantCases))]
    public void GivenAnInstant_WhenWrittenForMetadata_ThenTheTextIsNodaTimesExtendedIsoForm(long unixSeconds, int nanoseconds)
    {
        var instant = Instant.FromUnixTimeSeconds(unixSeconds).PlusNanoseconds(nanoseconds);
        var output = new ByteBuffer(8);

        MetadataJson.WriteInstant(instant, output);

        Assert.Equal(InstantPattern.ExtendedIso.Format(instant), System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void GivenMetadataWithEveryField_WhenSerializedAndRead_ThenItRoundTrips()
    {
        var at = Instant.FromUnixTimeTicks(17_637_201_301_234_567).PlusNanoseconds(89);
        var metadata = new EventMetadata(Guid.NewGuid(), Guid.NewGuid(), "mqtt", "ocpp/cp-1", "cp-1", "m-1", at, at.PlusTicks(-1), "[2,\"x\",{}]");

        Assert.Equal(metadata, MetadataJson.Deserialize(MetadataJson.Serialize(metadata)));
    }

    [Fact]
    public void GivenHandWrittenMetadataWithEscapedNamesOtherMembersAndAFractionalTime_WhenRead_ThenKnownMembersAreTakenAndTheRestIgnored()
    {
        var json = """{"extra":{"a":[1,2]},"\u0074opic":"ocpp/cp-1","deviceTime":"2026-11-21T10:00:00.5Z","receivedAt":"2026-11-21T10:00:01Z","count":3}"""u8;

        var metadata = MetadataJson.Deserialize(json);

        Assert.Equal(new EventMetadata(
            Topic: "ocpp/cp-1",
            DeviceTime: Instant.FromUtc(2026, 11, 21, 10, 0).Plus(Duration.FromMilliseconds(500)),
            ReceivedAt: Instant.FromUtc(2026, 11, 21, 10, 0, 1)), metadata);
    }
}
