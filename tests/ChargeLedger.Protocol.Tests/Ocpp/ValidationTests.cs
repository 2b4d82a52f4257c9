using System.Text.Json;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Protocol.Tests.Ocpp;

public sealed class ValidationTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [InlineData("BootNotification", """{"chargePointVendor":"v","chargePointModel":"m"}""")]
    [InlineData("Heartbeat", "{}")]
    [InlineData("StartTransaction", """{"connectorId":1,"idTag":"04A2B3C4","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}""")]
    [InlineData("MeterValues", """{"connectorId":1,"transactionId":5,"meterValue":[{"timestamp":"2026-01-01T00:00:00.123+02:00","sampledValue":[{"value":"12.5","unit":"Celcius","measurand":"Temperature"},{"value":"3","unit":"Celsius","measurand":"Temperature"}]}]}""")]
    [InlineData("StatusNotification", """{"connectorId":0,"errorCode":"NoError","status":"Available"}""")]
    public void GivenAValidRequest_WhenValidated_ThenThereIsNoError(string action, string payload) =>
        Assert.Null(OcppSchemaValidator.Default.ValidateRequest(action, Json(payload)));

    [Theory]
    [InlineData("BootNotification", """{"chargePointVendor":"v"}""", OcppErrorCode.OccurenceConstraintViolation, "$.chargePointModel")]
    [InlineData("BootNotification", """{"chargePointVendor":"v","chargePointModel":"m","colour":"red"}""", OcppErrorCode.FormationViolation, "$.colour")]
    [InlineData("BootNotification", """{"chargePointVendor":"012345678901234567890","chargePointModel":"m"}""", OcppErrorCode.PropertyConstraintViolation, "$.chargePointVendor")]
    [InlineData("StartTransaction", """{"connectorId":"1","idTag":"x","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}""", OcppErrorCode.TypeConstraintViolation, "$.connectorId")]
    [InlineData("StartTransaction", """{"connectorId":1,"idTag":"x","meterStart":1.5,"timestamp":"2026-01-01T00:00:00Z"}""", OcppErrorCode.TypeConstraintViolation, "$.meterStart")]
    [InlineData("StartTransaction", """{"connectorId":1.0,"idTag":"x","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}""", OcppErrorCode.TypeConstraintViolation, "$.connectorId")]
    [InlineData("StartTransaction", """{"connectorId":1,"idTag":"x","meterStart":3000000000,"timestamp":"2026-01-01T00:00:00Z"}""", OcppErrorCode.TypeConstraintViolation, "$.meterStart")]
    [InlineData("StartTransaction", """{"connectorId":1,"idTag":"x","meterStart":0,"timestamp":"yesterday"}""", OcppErrorCode.PropertyConstraintViolation, "$.timestamp")]
    [InlineData("StatusNotification", """{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}""", OcppErrorCode.PropertyConstraintViolation, "$.status")]
    [InlineData("MeterValues", """{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":5}]}]}""", OcppErrorCode.TypeConstraintViolation, "$.meterValue[0].sampledValue[0].value")]
    [InlineData("Heartbeat", "[]", OcppErrorCode.TypeConstraintViolation, "$ ")]
    [InlineData("Teleport", "{}", OcppErrorCode.NotImplemented, "Teleport")]
    public void GivenAnInvalidRequest_WhenValidated_ThenTheOcppCodeAndJsonPathAreReported(string action, string payload, OcppErrorCode code, string mentioned)
    {
        var error = OcppSchemaValidator.Default.ValidateRequest(action, Json(payload), "u-1");

        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Contains(mentioned, error.Description, StringComparison.Ordinal);
        Assert.Equal("u-1", error.UniqueId);
    }

    [Fact]
    public void GivenAResponse_WhenValidatedForItsAction_ThenTheResponseSchemaIsUsed()
    {
        Assert.Null(OcppSchemaValidator.Default.ValidateResponse("RemoteStartTransaction", Json("""{"status":"Accepted"}""")));
        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, OcppSchemaValidator.Default.ValidateResponse("RemoteStartTransaction", Json("""{"status":"Maybe"}"""))!.Code);
    }

    [Fact]
    public void GivenThousandsOfMutatedFrames_WhenParsedAndValidated_ThenOnlyCleanErrorsComeOut()
    {
        string[] seeds =
        [
            """{"MessageTypeId":2,"UniqueId":"a1","Action":"MeterValues","Payload":{"connectorId":1,"transactionId":5,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1.5","unit":"kWh"}]}]}}""",
            """{"MessageTypeId":2,"UniqueId":"a2","Action":"StartTransaction","Payload":{"connectorId":1,"idTag":"x","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}}""",
            """{"MessageTypeId":3,"UniqueId":"a3","Payload":{"status":"Accepted"}}""",
            """{"MessageTypeId":4,"UniqueId":"a4","ErrorCode":"NotSupported","ErrorDescription":"x"}""",
        ];
        const string alphabet = "{}[]\":,0123456789.-eE truefalsnl\\u00";
        var random = new Random(1621);
        var valid = 0;
        for (var round = 0; round < 10_000; round++)
        {
            var text = new System.Text.StringBuilder(seeds[random.Next(seeds.Length)]);
            for (var edits = random.Next(1, 4); edits > 0 && text.Length > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: text.Remove(at, 1); break;
                    default: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }
            var parsed = OcppMqttCodec.Parse(text.ToString());
            if (parsed.Frame is OcppCall call)
            {
                var error = OcppSchemaValidator.Default.ValidateRequest(call.Action, call.Payload, call.UniqueId);
                if (error is null)
                {
                    valid++;
                    _ = Protocol.Ocpp.Messages.OcppMessages.RequestTypes.ContainsKey(call.Action)
                        ? Protocol.Ocpp.Messages.OcppMessages.ReadRequest(call)
                        : null;
                }
                else
                {
                    Assert.False(string.IsNullOrWhiteSpace(error.Description));
                }
            }
            else if (parsed.Frame is null)
            {
                Assert.False(string.IsNullOrWhiteSpace(parsed.Error!.Description));
            }
        }
        Assert.InRange(valid, 1, 9_999);
    }
}
