using System.Text.Json.Serialization;
using NodaTime;

namespace ChargeLedger.Domain.Billing.Ocpi;

// OCPI 2.2.1 Tariff module (mod_tariffs), as embedded in a CDR's "tariffs".

public sealed record DisplayText(
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("text")] string Text);

public sealed record OcpiPriceComponent(
    [property: JsonPropertyName("type")] TariffDimensionType Type,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("vat")] decimal Vat,
    [property: JsonPropertyName("step_size")] int StepSize);

public sealed record TariffRestrictions(
    [property: JsonPropertyName("start_time"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StartTime,
    [property: JsonPropertyName("end_time"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EndTime,
    [property: JsonPropertyName("day_of_week"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<OcpiDayOfWeek>? DayOfWeek);

public sealed record TariffElement(
    [property: JsonPropertyName("price_components")] IReadOnlyList<OcpiPriceComponent> PriceComponents,
    [property: JsonPropertyName("restrictions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TariffRestrictions? Restrictions);

public sealed record OcpiTariff(
    [property: JsonPropertyName("country_code")] string CountryCode,
    [property: JsonPropertyName("party_id")] string PartyId,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("tariff_alt_text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DisplayText>? TariffAltText,
    [property: JsonPropertyName("min_price"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? MinPrice,
    [property: JsonPropertyName("max_price"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? MaxPrice,
    [property: JsonPropertyName("elements")] IReadOnlyList<TariffElement> Elements,
    [property: JsonPropertyName("start_date_time"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant StartDateTime,
    [property: JsonPropertyName("last_updated"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant LastUpdated);
