using System.Text;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using NodaTime;

namespace ChargeLedger.Protocol.Tests.Ocpp;

public sealed class FrameTests
{
    [Fact]
    public void GivenAWebSocketCall_WhenMappedToTheGatewayObjectAndBack_ThenTheFrameIsTheSame()
    {
        const string text = """[2,"1200012677","BootNotification",{"chargePointVendor":"vendor1","chargePointModel":"model1"}]""";

        var call = Assert.IsType<OcppCall>(OcppJsonArrayCodec.Parse(text).Frame);
        var mqtt = OcppMqttCodec.Serialize(call);
        var back = Assert.IsType<OcppCall>(OcppMqttCodec.Parse(mqtt).Frame);

        Assert.Equal(text, OcppJsonArrayCodec.Serialize(back));
        Assert.Equal("""{"MessageTypeId":2,"UniqueId":"1200012677","Action":"BootNotification","Payload":{"chargePointVendor":"vendor1","chargePointModel":"model1"}}""", Encoding.UTF8.GetString(mqtt));
        Assert.Equal(Encoding.UTF8.GetString(mqtt), back.RawText);
    }

    [Fact]
    public void GivenGatewayReplyObjectsInAnyKeyOrder_WhenParsed_ThenResultAndErrorAreTold()
    {
        var result = OcppMqttCodec.Parse("""{"Payload":{"status":"Accepted"},"UniqueId":"cs-7f3a","MessageTypeId":3,"Action":"ignored"}""");
        var error = OcppMqttCodec.Parse("""{"MessageTypeId":4,"UniqueId":"cs-7f3b","ErrorCode":"OccurrenceConstraintViolation","ErrorDescription":"Reservation not supported"}""");

        Assert.Equal("Accepted", Assert.IsType<OcppCallResult>(result.Frame).Payload.GetProperty("status").GetString());
        var callError = Assert.IsType<OcppCallError>(error.Frame);
        Assert.Equal(OcppErrorCode.OccurenceConstraintViolation, callError.ErrorCode);
        Assert.Equal("OccurrenceConstraintViolation", callError.ErrorCodeText);
        Assert.Equal("""[4,"cs-7f3b","OccurrenceConstraintViolation","Reservation not supported",{}]""", OcppJsonArrayCodec.Serialize(callError));
    }

    [Theory]
    [InlineData("FormatViolation", OcppErrorCode.FormationViolation)]
    [InlineData("FormationViolation", OcppErrorCode.FormationViolation)]
    [InlineData("OccurenceConstraintViolation", OcppErrorCode.OccurenceConstraintViolation)]
    [InlineData("SomethingElse", OcppErrorCode.GenericError)]
    [InlineData("5", OcppErrorCode.GenericError)]
    public void GivenAnErrorCodeSpelling_WhenParsed_ThenTheKnownVariantsAreAccepted(string text, OcppErrorCode expected) =>
        Assert.Equal(expected, OcppErrorCodes.Parse(text));

    [Theory]
    [InlineData("not json", null)]
    [InlineData("""{"MessageTypeId":2}""", null)]
    [InlineData("""[5,"1",{}]""", null)]
    [InlineData("""[2,"1","Heartbeat"]""", "1")]
    [InlineData("""[2,"1","Heartbeat",[]]""", "1")]
    [InlineData("""[3,"0123456789012345678901234567890123456",{}]""", null)]
    [InlineData("""[4,"9","NotSupported",{},{}]""", "9")]
    public void GivenAMalformedWebSocketFrame_WhenParsed_ThenItIsAFormationViolationWithTheIdWhenKnown(string text, string? uniqueId)
    {
        var parsed = OcppJsonArrayCodec.Parse(text);

        Assert.Null(parsed.Frame);
        Assert.Equal(OcppErrorCode.FormationViolation, parsed.Error!.Code);
        Assert.Equal(uniqueId, parsed.Error.UniqueId);
    }

    [Fact]
    public void GivenTypedRecords_WhenWrittenIntoFramesAndReadBack_ThenValuesSurvive()
    {
        var now = Instant.FromUtc(2026, 11, 21, 12, 30, 5) + Duration.FromMilliseconds(120);
        var result = OcppMessages.Result("42", new BootNotificationResponse("Accepted", now, 300));
        var text = OcppJsonArrayCodec.Serialize(result);
        var call = OcppMessages.Call("cs-1", "GetConfiguration", new GetConfigurationRequest(["HeartbeatInterval"]));

        Assert.Equal("""[3,"42",{"status":"Accepted","currentTime":"2026-11-21T12:30:05.120Z","interval":300}]""", text);
        Assert.Null(OcppSchemaValidator.Default.ValidateResponse("BootNotification", result.Payload));
        Assert.Null(OcppSchemaValidator.Default.ValidateRequest("GetConfiguration", call.Payload));
        var back = OcppMessages.Read<BootNotificationResponse>(Assert.IsType<OcppCallResult>(OcppJsonArrayCodec.Parse(text).Frame).Payload);
        Assert.Equal(new BootNotificationResponse("Accepted", now, 300), back);
    }

    [Fact]
    public void GivenAStopTransactionCall_WhenReadAsItsRequestType_ThenTheTypedRecordCarriesTheFields()
    {
        var frame = OcppMqttCodec.Parse("""{"MessageTypeId":2,"UniqueId":"u1","Action":"StopTransaction","Payload":{"transactionId":7,"meterStop":12500,"timestamp":"2026-11-21T10:00:00+01:00","reason":"Remote","transactionData":[{"timestamp":"2026-11-21T09:00:00Z","sampledValue":[{"value":"1.5","unit":"kWh","context":"Transaction.Begin"}]}]}}""");

        var stop = Assert.IsType<StopTransactionRequest>(OcppMessages.ReadRequest(Assert.IsType<OcppCall>(frame.Frame)));

        Assert.Equal(7, stop.TransactionId);
        Assert.Equal(Instant.FromUtc(2026, 11, 21, 9, 0), stop.Timestamp);
        Assert.Equal("Transaction.Begin", stop.TransactionData![0].SampledValue[0].Context);
    }
}
