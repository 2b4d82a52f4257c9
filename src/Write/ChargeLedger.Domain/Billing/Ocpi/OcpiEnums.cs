using System.Text.Json.Serialization;

namespace ChargeLedger.Domain.Billing.Ocpi;

[JsonConverter(typeof(JsonStringEnumConverter<CdrDimensionType>))]
public enum CdrDimensionType
{
    [JsonStringEnumMemberName("ENERGY")] Energy,
    [JsonStringEnumMemberName("TIME")] Time,
    [JsonStringEnumMemberName("PARKING_TIME")] ParkingTime,
}

[JsonConverter(typeof(JsonStringEnumConverter<TariffDimensionType>))]
public enum TariffDimensionType
{
    [JsonStringEnumMemberName("ENERGY")] Energy,
    [JsonStringEnumMemberName("FLAT")] Flat,
    [JsonStringEnumMemberName("PARKING_TIME")] ParkingTime,
    [JsonStringEnumMemberName("TIME")] Time,
}

[JsonConverter(typeof(JsonStringEnumConverter<AuthMethod>))]
public enum AuthMethod
{
    [JsonStringEnumMemberName("AUTH_REQUEST")] AuthRequest,
    [JsonStringEnumMemberName("COMMAND")] Command,
    [JsonStringEnumMemberName("WHITELIST")] Whitelist,
}

[JsonConverter(typeof(JsonStringEnumConverter<TokenType>))]
public enum TokenType
{
    [JsonStringEnumMemberName("AD_HOC_USER")] AdHocUser,
    [JsonStringEnumMemberName("APP_USER")] AppUser,
    [JsonStringEnumMemberName("OTHER")] Other,
    [JsonStringEnumMemberName("RFID")] Rfid,
}

[JsonConverter(typeof(JsonStringEnumConverter<OcpiDayOfWeek>))]
public enum OcpiDayOfWeek
{
    [JsonStringEnumMemberName("MONDAY")] Monday = 1,
    [JsonStringEnumMemberName("TUESDAY")] Tuesday,
    [JsonStringEnumMemberName("WEDNESDAY")] Wednesday,
    [JsonStringEnumMemberName("THURSDAY")] Thursday,
    [JsonStringEnumMemberName("FRIDAY")] Friday,
    [JsonStringEnumMemberName("SATURDAY")] Saturday,
    [JsonStringEnumMemberName("SUNDAY")] Sunday,
}
