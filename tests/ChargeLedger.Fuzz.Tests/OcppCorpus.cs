namespace ChargeLedger.Fuzz.Tests;

/// <summary>Valid OCPP 1.6 frames to mutate: the request payloads charge points send, and the two wire forms.</summary>
public static class OcppCorpus
{
    private const string Time = "2026-11-20T10:00:00Z";

    public static IReadOnlyList<(string Action, string Payload)> Calls { get; } =
    [
        ("BootNotification", """{"chargePointVendor":"Acme","chargePointModel":"Fast22","chargePointSerialNumber":"SN-1","firmwareVersion":"1.2.3"}"""),
        ("Heartbeat", "{}"),
        ("StatusNotification", $$"""{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"{{Time}}"}"""),
        ("Authorize", """{"idTag":"TAG-1"}"""),
        ("StartTransaction", $$"""{"connectorId":1,"idTag":"TAG-1","meterStart":1000,"timestamp":"{{Time}}"}"""),
        ("MeterValues", $$"""{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"{{Time}}","sampledValue":[{"value":"1.5","unit":"kWh","measurand":"Energy.Active.Import.Register"}]}]}"""),
        ("StopTransaction", $$"""{"transactionId":7,"meterStop":2500,"timestamp":"{{Time}}","idTag":"TAG-1","reason":"EVDisconnected"}"""),
        ("DataTransfer", """{"vendorId":"Acme","messageId":"m","data":"hello"}"""),
        ("FirmwareStatusNotification", """{"status":"Installed"}"""),
        ("DiagnosticsStatusNotification", """{"status":"Uploaded"}"""),
    ];

    /// <summary>A CALL in the OCPP-J array form a charge point sends over its WebSocket.</summary>
    public static string ArrayCall(Random random, string uniqueId)
    {
        var (action, payload) = Calls[random.Next(Calls.Count)];
        return $$"""[2,"{{uniqueId}}","{{action}}",{{payload}}]""";
    }

    /// <summary>A CALL in EMQX's object form, as the gateway publishes it upstream.</summary>
    public static string ObjectCall(Random random, string uniqueId)
    {
        var (action, payload) = Calls[random.Next(Calls.Count)];
        return $$"""{"MessageTypeId":2,"UniqueId":"{{uniqueId}}","Action":"{{action}}","Payload":{{payload}}}""";
    }

    /// <summary>A charge point's answer to one of our CALLs, in EMQX's object form (the Reply topic).</summary>
    public static string ObjectReply(Random random, string uniqueId) => random.Next(2) == 0
        ? $$"""{"MessageTypeId":3,"UniqueId":"{{uniqueId}}","Payload":{"status":"Accepted"} }"""
        : $$"""{"MessageTypeId":4,"UniqueId":"{{uniqueId}}","ErrorCode":"NotSupported","ErrorDescription":"no","ErrorDetails":{} }""";

    /// <summary>An EMQX gateway connect or disconnect notice payload.</summary>
    public static string Notice(bool connected, string chargePointId) => connected
        ? $$"""{"clientid":"{{chargePointId}}","username":null,"ipaddress":"127.0.0.1","protocol":"ocpp","proto_name":"OCPP","proto_ver":"1.6","connected_at":1763632800000,"keepalive":60,"clean_start":true,"expiry_interval":0}"""
        : $$"""{"clientid":"{{chargePointId}}","username":null,"ipaddress":"127.0.0.1","protocol":"ocpp","proto_name":"OCPP","proto_ver":"1.6","connected_at":1763632800000,"disconnected_at":1763636400000,"reason":"normal"}""";
}
