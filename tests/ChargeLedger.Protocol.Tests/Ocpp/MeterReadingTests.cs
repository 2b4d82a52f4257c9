using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using NodaTime;

namespace ChargeLedger.Protocol.Tests.Ocpp;

public sealed class MeterReadingTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 21, 8, 0);

    [Theory]
    [InlineData("12345", "Wh", 12345L)]
    [InlineData("12.3456", "kWh", 12346L)]
    [InlineData("0.0005", "kWh", 0L)]
    [InlineData("0.0015", "kWh", 2L)]
    [InlineData("1.5E3", "Wh", 1500L)]
    [InlineData("-2", "kWh", -2000L)]
    public void GivenAnEnergySample_WhenNormalised_ThenItIsIntegerWh(string value, string unit, long wh)
    {
        var reading = MeterReading.From(At, new SampledValue(value, Unit: unit));

        Assert.Equal(wh, reading.EnergyWh);
        Assert.Equal(value, reading.RawValue);
    }

    [Fact]
    public void GivenASampleWithoutOptionalFields_WhenNormalised_ThenTheSpecDefaultsApply()
    {
        var reading = MeterReading.From(At, new SampledValue("100"));

        Assert.Equal((100L, "Wh", "Energy.Active.Import.Register", "Sample.Periodic", "Outlet", "Raw", (string?)null),
            (reading.EnergyWh!.Value, reading.Unit, reading.Measurand, reading.Context, reading.Location, reading.Format, reading.Phase));
    }

    [Fact]
    public void GivenANonEnergyUnit_WhenNormalised_ThenTheDecimalAndUnitAreKeptWithoutWh()
    {
        var reading = MeterReading.From(At, new SampledValue("230.4", Measurand: "Voltage", Phase: "L1-N", Unit: "V"));

        Assert.Equal((230.4m, "V", (long?)null, "L1-N"), (reading.Value!.Value, reading.Unit, reading.EnergyWh, reading.Phase));
    }

    [Fact]
    public void GivenSignedData_WhenNormalised_ThenTheStringIsKeptUntouched()
    {
        const string signed = "OCMF|{\"RD\":[{\"RV\":1.234,\"RU\":\"kWh\"}]}|{\"SD\":\"3045\"}";

        var reading = MeterReading.From(At, new SampledValue(signed, Context: "Transaction.End", Format: "SignedData"));

        Assert.Equal(signed, reading.SignedData);
        Assert.Null(reading.EnergyWh);
    }

    [Theory]
    [InlineData("12,5")]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("99999999999999999999999999")]
    public void GivenARawValueThatIsNotADecimal_WhenNormalised_ThenAFormatErrorNamesIt(string value)
    {
        var error = Assert.Throws<FormatException>(() => MeterReading.From(At, new SampledValue(value, Unit: "kWh")));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-21T08:00:00Z")]
    [InlineData("2026-11-21T08:00:00.000Z")]
    [InlineData("2026-11-21T08:00:00.0000001Z")]
    [InlineData("2026-11-21T09:00:00+01:00")]
    [InlineData("2026-11-21T09:00:00.000+0100")]
    [InlineData("2026-11-21T03:00:00-05:00")]
    [InlineData("2026-11-21t08:00:00z")]
    public void GivenACommonDateTimeVariant_WhenParsed_ThenItIsTheSameInstant(string text)
    {
        Assert.True(OcppDateTime.TryParse(text, out var instant));
        Assert.Equal(At, instant - Duration.FromTicks(instant.ToUnixTimeTicks() % TimeSpan.TicksPerSecond));
    }

    [Theory]
    [InlineData("2026-11-21T08:00:00")]
    [InlineData("21.11.2026 08:00")]
    [InlineData("")]
    public void GivenADateTimeWithoutZoneOrNotIso_WhenParsed_ThenItIsRejected(string text) =>
        Assert.False(OcppDateTime.TryParse(text, out _));
}
