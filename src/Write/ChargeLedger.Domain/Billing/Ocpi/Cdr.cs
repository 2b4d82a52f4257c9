using System.Text.Json.Serialization;
using NodaTime;

namespace ChargeLedger.Domain.Billing.Ocpi;

// OCPI 2.2.1 CDR module (mod_cdrs): property names serialize exactly as the spec spells them.

public sealed record OcpiPrice(
    [property: JsonPropertyName("excl_vat")] decimal ExclVat,
    [property: JsonPropertyName("incl_vat")] decimal? InclVat)
{
    public OcpiPrice Negated() => new(-ExclVat, -InclVat);
}

public sealed record CdrToken(
    [property: JsonPropertyName("country_code")] string CountryCode,
    [property: JsonPropertyName("party_id")] string PartyId,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("type")] TokenType Type,
    [property: JsonPropertyName("contract_id")] string ContractId);

public sealed record GeoLocation(
    [property: JsonPropertyName("latitude")] string Latitude,
    [property: JsonPropertyName("longitude")] string Longitude);

public sealed record CdrLocation(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("city")] string City,
    [property: JsonPropertyName("postal_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PostalCode,
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State,
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("coordinates")] GeoLocation Coordinates,
    [property: JsonPropertyName("evse_uid")] string EvseUid,
    [property: JsonPropertyName("evse_id")] string EvseId,
    [property: JsonPropertyName("connector_id")] string ConnectorId,
    [property: JsonPropertyName("connector_standard")] string ConnectorStandard,
    [property: JsonPropertyName("connector_format")] string ConnectorFormat,
    [property: JsonPropertyName("connector_power_type")] string ConnectorPowerType);

public sealed record CdrDimension(
    [property: JsonPropertyName("type")] CdrDimensionType Type,
    [property: JsonPropertyName("volume")] decimal Volume);

public sealed record ChargingPeriod(
    [property: JsonPropertyName("start_date_time"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant StartDateTime,
    [property: JsonPropertyName("dimensions")] IReadOnlyList<CdrDimension> Dimensions,
    [property: JsonPropertyName("tariff_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TariffId);

public sealed record SignedValue(
    [property: JsonPropertyName("nature")] string Nature,
    [property: JsonPropertyName("plain_data")] string PlainData,
    [property: JsonPropertyName("signed_data")] string SignedData);

public sealed record SignedData(
    [property: JsonPropertyName("encoding_method")] string EncodingMethod,
    [property: JsonPropertyName("encoding_method_version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EncodingMethodVersion,
    [property: JsonPropertyName("public_key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PublicKey,
    [property: JsonPropertyName("signed_values")] IReadOnlyList<SignedValue> SignedValues,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url);

/// <summary>An OCPI 2.2.1 Charge Detail Record. Immutable once issued: corrections are credit CDRs plus a new CDR.</summary>
public sealed record Cdr(
    [property: JsonPropertyName("country_code")] string CountryCode,
    [property: JsonPropertyName("party_id")] string PartyId,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("start_date_time"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant StartDateTime,
    [property: JsonPropertyName("end_date_time"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant EndDateTime,
    [property: JsonPropertyName("session_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId,
    [property: JsonPropertyName("cdr_token")] CdrToken CdrToken,
    [property: JsonPropertyName("auth_method")] AuthMethod AuthMethod,
    [property: JsonPropertyName("authorization_reference"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AuthorizationReference,
    [property: JsonPropertyName("cdr_location")] CdrLocation CdrLocation,
    [property: JsonPropertyName("meter_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MeterId,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("tariffs")] IReadOnlyList<OcpiTariff> Tariffs,
    [property: JsonPropertyName("charging_periods")] IReadOnlyList<ChargingPeriod> ChargingPeriods,
    [property: JsonPropertyName("signed_data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SignedData? SignedData,
    [property: JsonPropertyName("total_cost")] OcpiPrice TotalCost,
    [property: JsonPropertyName("total_fixed_cost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? TotalFixedCost,
    [property: JsonPropertyName("total_energy")] decimal TotalEnergy,
    [property: JsonPropertyName("total_energy_cost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? TotalEnergyCost,
    [property: JsonPropertyName("total_time")] decimal TotalTime,
    [property: JsonPropertyName("total_time_cost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? TotalTimeCost,
    [property: JsonPropertyName("total_parking_time"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? TotalParkingTime,
    [property: JsonPropertyName("total_parking_cost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OcpiPrice? TotalParkingCost,
    [property: JsonPropertyName("remark"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Remark,
    [property: JsonPropertyName("credit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Credit,
    [property: JsonPropertyName("credit_reference_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CreditReferenceId,
    [property: JsonPropertyName("last_updated"), JsonConverter(typeof(OcpiDateTimeConverter))] Instant LastUpdated);
