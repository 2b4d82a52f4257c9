using System.Text.Json;
using System.Text.Json.Nodes;
using ChargeLedger.Domain.Billing.Ocpi;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Billing;

public sealed class OcpiTariffTests
{
    [Fact]
    public void GivenTariffWithBands_WhenExpressedInOcpi_ThenBandElementsComeBeforeTheUnrestrictedBaseElement()
    {
        var tariff = Tariff(perKwh: 0.40m, perMinute: 0.01m, perParkingMinute: 0.10m, graceMinutes: 15, sessionFee: 0.5m, min: 1m, max: 50m,
            bands: [Band("night", 22, 6, 0.20m, 0.005m), Band("weekend", 0, 0, 0.30m, 0m, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday)]);
        var json = JsonNode.Parse(JsonSerializer.Serialize(OcpiTariffs.From(tariff, "DE", "CLG", At("2026-01-01T00:00:00Z"))))!;
        var elements = json["elements"]!.AsArray();

        Assert.Equal(3, elements.Count);
        Assert.Equal(("22:00", "06:00"), ((string?)elements[0]!["restrictions"]!["start_time"], (string?)elements[0]!["restrictions"]!["end_time"]));
        Assert.Equal(["SATURDAY", "SUNDAY"], elements[1]!["restrictions"]!["day_of_week"]!.AsArray().Select(d => (string?)d));
        Assert.False(elements[1]!["restrictions"]!.AsObject().ContainsKey("start_time"));
        Assert.Null(elements[2]!["restrictions"]);
        Assert.Equal(0.3m, (decimal)elements[0]!["price_components"]![1]!["price"]!); // TIME is per hour in OCPI
        Assert.Equal(["ENERGY", "TIME", "PARKING_TIME", "FLAT"], elements[2]!["price_components"]!.AsArray().Select(c => (string?)c!["type"]));
        Assert.Equal(6m, (decimal)elements[2]!["price_components"]![2]!["price"]!);
        Assert.Equal(19m, (decimal)elements[2]!["price_components"]![0]!["vat"]!);
        Assert.Equal(1.19m, (decimal)json["min_price"]!["incl_vat"]!);
        Assert.Equal("2026-01-01T00:00:00Z", (string?)json["start_date_time"]);
        Assert.Contains("15 minutes", (string?)json["tariff_alt_text"]![0]!["text"]);
    }
}
