using System.Text.Json.Nodes;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class BillingEventSerializationTests
{
    private static readonly Instant Now = At("2026-06-11T09:00:00.5Z");

    public static TheoryData<object> Events() => new(
        new TariffPublished(Tariff(min: 1m, max: 50m, bands: [Band("night", 22, 6, 0.20m, 0.005m), Band("weekend", 0, 0, 0.3m, 0m, IsoDayOfWeek.Sunday)]), Now),
        new TariffWithdrawn("ac-standard", At("2026-09-01T00:00:00Z"), "site closed", Now),
        new TariffAssigned("CP-1", "ac-standard", At("2026-09-01T00:00:00Z"), "anna", Now),
        new ComplaintOpened("c-1", ComplaintSubjectKind.ChargePoint, "CP-1", At("2026-06-10T00:00:00Z"), At("2026-06-11T00:00:00Z"), "offline", "anna", Now),
        new ComplaintNoteAdded("c-1", "n-1", "called", "anna", Now),
        new ComplaintEvidenceAttached("c-1", "e-1", "chargepoint-CP-1", 12, null, null, "anna", Now),
        new ComplaintResolved("c-1", "r-1", ComplaintOutcome.PartiallyUpheld, "half", 2.50m, "EUR", "anna", Now),
        new ComplaintReopened("c-1", "o-1", "more", "ben", Now));

    [Theory]
    [MemberData(nameof(Events))]
    public void GivenBillingEvent_WhenRoundTripped_ThenEqualAndOnItsOwnStream(object @event)
    {
        var (type, json) = EventSerializer.Serialize(@event);

        Assert.Equal(@event.GetType().Name, type);
        Assert.Equal(@event, EventSerializer.Deserialize(type, json));
        Assert.Matches("^(tariff-ac-standard|tariffassignment-CP-1|complaint-c-1)$", StreamIds.For(@event));
    }

    [Fact]
    public void GivenTariffPublished_WhenSerialized_ThenBandsAndPricesAreReadableJson()
    {
        var (_, json) = EventSerializer.Serialize(new TariffPublished(Tariff(bands: Band("night", 22, 6, 0.20m, 0m, IsoDayOfWeek.Friday)), Now));
        var tariff = JsonNode.Parse(json)!["tariff"]!;

        Assert.Equal("Europe/Berlin", (string?)tariff["timeZoneId"]);
        Assert.Equal("22:00:00", (string?)tariff["bands"]![0]!["start"]);
        Assert.Equal("Friday", (string?)tariff["bands"]![0]!["daysOfWeek"]![0]);
        Assert.Equal(0.20m, (decimal)tariff["bands"]![0]!["pricePerKwh"]!);
        Assert.Null(tariff["zone"]);
    }
}
