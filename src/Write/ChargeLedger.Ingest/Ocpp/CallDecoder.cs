using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>Charge-point-initiated OCPP 1.6 CALLs → domain commands, checked against the request schemas.</summary>
internal static class CallDecoder
{
    private static readonly IReadOnlySet<string> Frame = OcppEnums.Set("MessageTypeId", "UniqueId", "Action", "Payload");
    private static readonly IReadOnlySet<string> Empty = OcppEnums.Set();
    private static readonly IReadOnlySet<string> BootFields = OcppEnums.Set(
        "chargePointVendor", "chargePointModel", "chargePointSerialNumber", "chargeBoxSerialNumber", "firmwareVersion", "iccid", "imsi", "meterType", "meterSerialNumber");
    private static readonly IReadOnlySet<string> StatusFields = OcppEnums.Set("connectorId", "errorCode", "status", "info", "timestamp", "vendorId", "vendorErrorCode");
    private static readonly IReadOnlySet<string> IdTagFields = OcppEnums.Set("idTag");
    private static readonly IReadOnlySet<string> StartFields = OcppEnums.Set("connectorId", "idTag", "meterStart", "reservationId", "timestamp");
    private static readonly IReadOnlySet<string> StopFields = OcppEnums.Set("transactionId", "meterStop", "timestamp", "idTag", "reason", "transactionData");
    private static readonly IReadOnlySet<string> MeterFields = OcppEnums.Set("connectorId", "transactionId", "meterValue");
    private static readonly IReadOnlySet<string> MeterValueFields = OcppEnums.Set("timestamp", "sampledValue");
    private static readonly IReadOnlySet<string> SampledFields = OcppEnums.Set("value", "context", "format", "measurand", "phase", "location", "unit");
    private static readonly IReadOnlySet<string> DataTransferFields = OcppEnums.Set("vendorId", "messageId", "data");
    private static readonly IReadOnlySet<string> StatusOnly = OcppEnums.Set("status");

    public static InboundMessage Decode(string cid, string uniqueId, JsonElement root, Instant receivedAt)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!Frame.Contains(property.Name))
            {
                throw new PayloadException(OcppErrorCodes.FormationViolation, $"frame property '{property.Name}' is not allowed in a CALL");
            }
        }

        if (!root.TryGetProperty("Action", out var actionElement) || actionElement.ValueKind != JsonValueKind.String || actionElement.GetString() is not { Length: > 0 } action)
        {
            throw new PayloadException(OcppErrorCodes.FormationViolation, "CALL has no Action string");
        }

        if (!root.TryGetProperty("Payload", out var payload))
        {
            throw new PayloadException(OcppErrorCodes.FormationViolation, "CALL has no Payload");
        }

        InboundMessage.Call Call(object command, Instant? deviceTime = null) => new(cid, uniqueId, action, command, deviceTime);
        switch (action)
        {
            case "BootNotification":
            {
                var p = PayloadReader.Of(payload, "Payload", BootFields);
                return Call(new BootNotification(
                    cid,
                    uniqueId,
                    p.RequiredString("chargePointVendor", 20),
                    p.RequiredString("chargePointModel", 20),
                    p.OptionalString("chargePointSerialNumber", 25),
                    p.OptionalString("chargeBoxSerialNumber", 25),
                    p.OptionalString("firmwareVersion", 50),
                    p.OptionalString("iccid", 20),
                    p.OptionalString("imsi", 20),
                    p.OptionalString("meterType", 25),
                    p.OptionalString("meterSerialNumber", 25),
                    receivedAt));
            }

            case "Heartbeat":
                PayloadReader.Of(payload, "Payload", Empty);
                return Call(new Heartbeat(cid, uniqueId, receivedAt));
            case "StatusNotification":
            {
                var p = PayloadReader.Of(payload, "Payload", StatusFields);
                var time = p.OptionalTime("timestamp");
                return Call(
                    new StatusNotification(
                        cid,
                        uniqueId,
                        NonNegative(p.RequiredInt("connectorId"), "connectorId"),
                        p.RequiredEnum("status", OcppEnums.ChargePointStatus),
                        p.RequiredEnum("errorCode", OcppEnums.ChargePointErrorCode),
                        p.OptionalString("info", 50),
                        time,
                        p.OptionalString("vendorId", 255),
                        p.OptionalString("vendorErrorCode", 50),
                        receivedAt),
                    time);
            }

            case "Authorize":
                return Call(new Authorize(cid, uniqueId, PayloadReader.Of(payload, "Payload", IdTagFields).RequiredString("idTag", 20), receivedAt));
            case "StartTransaction":
            {
                var p = PayloadReader.Of(payload, "Payload", StartFields);
                var time = p.RequiredTime("timestamp");
                return Call(
                    new StartTransaction(
                        cid,
                        uniqueId,
                        NonNegative(p.RequiredInt("connectorId"), "connectorId"),
                        p.RequiredString("idTag", 20),
                        p.RequiredInt("meterStart"),
                        p.OptionalInt("reservationId"),
                        time,
                        AllocatedTransactionId: 0,
                        receivedAt),
                    time);
            }

            case "StopTransaction":
            {
                var p = PayloadReader.Of(payload, "Payload", StopFields);
                var time = p.RequiredTime("timestamp");
                return Call(
                    new StopTransaction(
                        cid,
                        uniqueId,
                        p.RequiredInt("transactionId"),
                        p.RequiredInt("meterStop"),
                        time,
                        p.OptionalString("idTag", 20),
                        p.OptionalEnum("reason", OcppEnums.StopReason),
                        p.OptionalArray("transactionData", 0) is { } data ? MeterValues(data, "Payload.transactionData") : [],
                        receivedAt),
                    time);
            }

            case "MeterValues":
            {
                var p = PayloadReader.Of(payload, "Payload", MeterFields);
                var connectorId = NonNegative(p.RequiredInt("connectorId"), "connectorId");
                var transactionId = p.OptionalInt("transactionId");
                var values = MeterValues(p.RequiredArray("meterValue", 1), "Payload.meterValue");
                var time = values.Count > 0 ? values[0].Timestamp : (Instant?)null;
                return transactionId is { } tx
                    ? Call(new RecordMeterValues(cid, uniqueId, connectorId, tx, values, receivedAt), time)
                    : Call(new RecordConnectorMeterValues(cid, uniqueId, connectorId, values, receivedAt), time);
            }

            case "DataTransfer":
            {
                var p = PayloadReader.Of(payload, "Payload", DataTransferFields);
                return Call(new DataTransfer(cid, uniqueId, p.RequiredString("vendorId", 255), p.OptionalString("messageId", 50), p.OptionalString("data", int.MaxValue), receivedAt));
            }

            case "FirmwareStatusNotification":
                return Call(new FirmwareStatusNotification(cid, uniqueId, PayloadReader.Of(payload, "Payload", StatusOnly).RequiredEnum("status", OcppEnums.FirmwareStatus), receivedAt));
            case "DiagnosticsStatusNotification":
                return Call(new DiagnosticsStatusNotification(cid, uniqueId, PayloadReader.Of(payload, "Payload", StatusOnly).RequiredEnum("status", OcppEnums.DiagnosticsStatus), receivedAt));
            default:
                throw new PayloadException(OcppErrorCodes.NotImplemented, $"action '{action}' is not implemented");
        }
    }

    private static List<MeterValueInput> MeterValues(JsonElement.ArrayEnumerator items, string path)
    {
        var values = new List<MeterValueInput>();
        var index = 0;
        foreach (var item in items)
        {
            var itemPath = $"{path}[{index++}]";
            var meterValue = PayloadReader.Of(item, itemPath, MeterValueFields);
            var timestamp = meterValue.RequiredTime("timestamp");
            var sampled = new List<SampledValueInput>();
            var sampleIndex = 0;
            foreach (var sample in meterValue.RequiredArray("sampledValue", 1))
            {
                var s = PayloadReader.Of(sample, $"{itemPath}.sampledValue[{sampleIndex++}]", SampledFields);
                sampled.Add(new SampledValueInput(
                    s.RequiredString("value", int.MaxValue),
                    s.OptionalEnum("context", OcppEnums.ReadingContext),
                    s.OptionalEnum("format", OcppEnums.ValueFormat),
                    s.OptionalEnum("measurand", OcppEnums.Measurand),
                    s.OptionalEnum("phase", OcppEnums.Phase),
                    s.OptionalEnum("location", OcppEnums.Location),
                    s.OptionalEnum("unit", OcppEnums.UnitOfMeasure)));
            }

            values.Add(new MeterValueInput(timestamp, sampled));
        }

        return values;
    }

    private static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new PayloadException(OcppErrorCodes.PropertyConstraintViolation, $"Payload.{name} must not be negative");
}
