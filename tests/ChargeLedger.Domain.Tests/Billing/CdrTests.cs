using System.Text.Json;
using System.Text.Json.Nodes;
using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Billing.Ocpi;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Billing;

public sealed class CdrTests
{
    private static readonly Instant Start = At("2026-06-10T19:00:00Z"); // 21:00 CEST
    private static readonly Instant Issued = At("2026-06-10T23:05:00Z");

    private static readonly CdrContext Context = new(
        "DE", "CLG", "cdr-transaction-42", "transaction-42",
        new CdrToken("DE", "CLG", "04A1B2C3", TokenType.Rfid, "DE-CLG-C12345678-X"),
        AuthMethod.Whitelist, null,
        new CdrLocation("site-1", "Depot", "Hauptstr. 1", "Berlin", "10115", null, "DEU", new GeoLocation("52.520008", "13.404954"),
            "cp-1-1", "DE*CLG*E1*1", "1", "IEC_62196_T2", "SOCKET", "AC_3_PHASE"),
        "meter-77",
        new SignedData("OCMF", 1, null, [new SignedValue("Start", "OCMF|{...}", "c2lnbg==")], null));

    private static (Cdr Cdr, PricedSession Priced) Build()
    {
        var tariff = Tariff(perKwh: 0.40m, perMinute: 0.01m, perParkingMinute: 0.10m, graceMinutes: 15, sessionFee: 0.50m,
            bands: Band("night", 22, 6, 0.20m, 0.005m));
        var parking = new Interval(Start + Duration.FromMinutes(150), Start + Duration.FromMinutes(180));
        var priced = TariffCalculator.Price(tariff, new SessionFacts(Start, Start + Duration.FromMinutes(180), 15_000, ParkingPeriods: [parking]));
        return (CdrBuilder.Build(Context, priced, tariff, Issued), priced);
    }

    [Fact]
    public void GivenPricedSession_WhenCdrSerialized_ThenOcpiFieldNamesAndValuesAppear()
    {
        var (cdr, priced) = Build();
        var json = JsonNode.Parse(CdrJson.ToText(cdr))!.AsObject();

        Assert.Equal("DE", (string?)json["country_code"]);
        Assert.Equal("CLG", (string?)json["party_id"]);
        Assert.Equal("2026-06-10T19:00:00Z", (string?)json["start_date_time"]);
        Assert.Equal("2026-06-10T22:00:00Z", (string?)json["end_date_time"]);
        Assert.Equal("RFID", (string?)json["cdr_token"]!["type"]);
        Assert.Equal("WHITELIST", (string?)json["auth_method"]);
        Assert.Equal("DEU", (string?)json["cdr_location"]!["country"]);
        Assert.Equal(15m, (decimal)json["total_energy"]!);
        Assert.Equal(3m, (decimal)json["total_time"]!);
        Assert.Equal(0.5m, (decimal)json["total_parking_time"]!);
        Assert.Equal(priced.Net, (decimal)json["total_cost"]!["excl_vat"]!);
        Assert.Equal(priced.Total, (decimal)json["total_cost"]!["incl_vat"]!);
        Assert.Equal(0.50m, (decimal)json["total_fixed_cost"]!["excl_vat"]!);
        Assert.Equal(1.50m, (decimal)json["total_parking_cost"]!["excl_vat"]!);
        Assert.Equal("OCMF", (string?)json["signed_data"]!["encoding_method"]);
        Assert.Equal("2026-06-10T23:05:00Z", (string?)json["last_updated"]);
        Assert.False(json.ContainsKey("credit"));
        Assert.Equal("22:00", (string?)json["tariffs"]![0]!["elements"]![0]!["restrictions"]!["start_time"]);
    }

    [Fact]
    public void GivenSessionCrossingBandAndParking_WhenCdrBuilt_ThenAPeriodStartsAtEachCostChange()
    {
        var (cdr, _) = Build();
        var json = JsonNode.Parse(CdrJson.ToText(cdr))!;
        var periods = json["charging_periods"]!.AsArray();

        Assert.Equal(["2026-06-10T19:00:00Z", "2026-06-10T20:00:00Z", "2026-06-10T21:30:00Z"], periods.Select(p => (string?)p!["start_date_time"]));
        Assert.Equal(["ENERGY", "TIME"], periods[0]!["dimensions"]!.AsArray().Select(d => (string?)d!["type"]));
        Assert.Equal("PARKING_TIME", (string?)periods[2]!["dimensions"]![0]!["type"]);
        Assert.Equal(cdr.TotalEnergy, cdr.ChargingPeriods.SelectMany(p => p.Dimensions).Where(d => d.Type == CdrDimensionType.Energy).Sum(d => d.Volume));
    }

    [Fact]
    public void GivenIssuedCdr_WhenCredited_ThenCostsAreNegatedAndTheOriginalIsReferenced()
    {
        var (cdr, _) = Build();
        var credit = CdrBuilder.Credit(cdr, "cdr-transaction-42-C1", Issued + Duration.FromDays(1));
        var json = JsonNode.Parse(CdrJson.ToText(credit))!;

        Assert.True((bool)json["credit"]!);
        Assert.Equal("cdr-transaction-42", (string?)json["credit_reference_id"]);
        Assert.Equal(-cdr.TotalCost.ExclVat, (decimal)json["total_cost"]!["excl_vat"]!);
        Assert.Equal(-cdr.TotalCost.InclVat, (decimal)json["total_cost"]!["incl_vat"]!);
        Assert.Equal(-cdr.TotalEnergyCost!.ExclVat, credit.TotalEnergyCost!.ExclVat);
        Assert.Equal(cdr.TotalEnergy, credit.TotalEnergy);
        Assert.Throws<ArgumentException>(() => CdrBuilder.Credit(credit, "x", Issued));
    }

    [Fact]
    public void GivenSerializedCdr_WhenDeserialized_ThenItRoundTrips()
    {
        var (cdr, _) = Build();
        var back = CdrJson.Parse(CdrJson.ToText(cdr))!;

        Assert.Equal(cdr.Id, back.Id);
        Assert.Equal(cdr.StartDateTime, back.StartDateTime);
        Assert.Equal(cdr.TotalCost, back.TotalCost);
        Assert.Equal(cdr.ChargingPeriods.Count, back.ChargingPeriods.Count);
    }

    [Fact]
    public void GivenACdrWithEveryPart_WhenSerializedBySourceGeneration_ThenTheBytesEqualTheReflectionSerializersOutput()
    {
        // CDRs stored before the serializer was source-generated must read and compare the same as new ones.
        var (cdr, _) = Build();
        var credit = CdrBuilder.Credit(cdr, "cdr-transaction-42-C1", Issued + Duration.FromDays(1));

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(cdr), CdrJson.ToUtf8(cdr));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(credit), CdrJson.ToUtf8(credit));
    }
}
