namespace ChargeLedger.Ingest.Tests;

/// <summary>OCPP 1.6 request payloads as charge points send them.</summary>
public static class Frames
{
    public const string Boot = """{"chargePointVendor":"Acme","chargePointModel":"Fast22","chargePointSerialNumber":"SN-1","firmwareVersion":"1.2.3"}""";

    public static string Status(int connector, string status, string time) =>
        $$"""{"connectorId":{{connector}},"errorCode":"NoError","status":"{{status}}","timestamp":"{{time}}"}""";

    public static string Authorize(string tag) => $$"""{"idTag":"{{tag}}"}""";

    public static string Start(int connector, string tag, long meterStart, string time) =>
        $$"""{"connectorId":{{connector}},"idTag":"{{tag}}","meterStart":{{meterStart}},"timestamp":"{{time}}"}""";

    public static string Meter(int connector, int transactionId, string time, string kWh) =>
        $$"""{"connectorId":{{connector}},"transactionId":{{transactionId}},"meterValue":[{"timestamp":"{{time}}","sampledValue":[{"value":"{{kWh}}","unit":"kWh","measurand":"Energy.Active.Import.Register"}]}]}""";

    public static string Stop(int transactionId, long meterStop, string time, string? tag = null) =>
        tag is null
            ? $$"""{"transactionId":{{transactionId}},"meterStop":{{meterStop}},"timestamp":"{{time}}","reason":"EVDisconnected"}"""
            : $$"""{"transactionId":{{transactionId}},"meterStop":{{meterStop}},"timestamp":"{{time}}","idTag":"{{tag}}","reason":"EVDisconnected"}""";
}
