using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.Protocol.Ocpp;
using ChargeLedger.Protocol.Ocpp.Messages;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>
/// A charge point CALL → the domain command: validated against the OCPP 1.6 request schema first, then read as the
/// Protocol layer's typed request straight from the parsed payload and mapped.
/// </summary>
internal static class CommandMapper
{
    public static InboundMessage Map(string cid, OcppCall call, Instant receivedAt)
    {
        if (OcppSchemaValidator.Default.ValidateRequest(call.Action, call.Payload, call.UniqueId) is { } violation)
        {
            return Invalid(cid, call, violation.Code, violation.Description);
        }

        if (call.RawText is { } raw && raw.Contains("\\u0000", StringComparison.Ordinal) && HasNul(call.Payload))
        {
            // PostgreSQL jsonb cannot store U+0000; such a value is refused here rather than half-stored.
            return Invalid(cid, call, OcppErrorCode.PropertyConstraintViolation, $"{call.Action} request: a value contains U+0000");
        }

        try
        {
            return ToCommand(cid, call, receivedAt);
        }
        catch (JsonException e)
        {
            // The schema's date-time format admits values without a zone; their instant is unknowable.
            return Invalid(cid, call, OcppErrorCode.PropertyConstraintViolation, $"{call.Action} request: {e.Message}");
        }
    }

    private static InboundMessage ToCommand(string cid, OcppCall call, Instant receivedAt)
    {
        var id = call.UniqueId;
        InboundMessage.Call Call(object command, Instant? deviceTime = null) => new(cid, id, call.Action, command, deviceTime);
        switch (call.Action)
        {
            case "BootNotification":
            {
                var r = OcppMessages.Read<BootNotificationRequest>(call.Payload);
                return Call(new BootNotification(
                    cid, id, r.ChargePointVendor, r.ChargePointModel, r.ChargePointSerialNumber, r.ChargeBoxSerialNumber,
                    r.FirmwareVersion, r.Iccid, r.Imsi, r.MeterType, r.MeterSerialNumber, receivedAt));
            }

            case "Heartbeat":
                return Call(new Heartbeat(cid, id, receivedAt));
            case "StatusNotification":
            {
                var r = OcppMessages.Read<StatusNotificationRequest>(call.Payload);
                return r.ConnectorId < 0
                    ? Negative(cid, call, "connectorId")
                    : Call(new StatusNotification(cid, id, r.ConnectorId, r.Status, r.ErrorCode, r.Info, r.Timestamp, r.VendorId, r.VendorErrorCode, receivedAt), r.Timestamp);
            }

            case "Authorize":
                return Call(new Authorize(cid, id, OcppMessages.Read<AuthorizeRequest>(call.Payload).IdTag, receivedAt));
            case "StartTransaction":
            {
                var r = OcppMessages.Read<StartTransactionRequest>(call.Payload);
                return r.ConnectorId < 0
                    ? Negative(cid, call, "connectorId")
                    : Call(new StartTransaction(cid, id, r.ConnectorId, r.IdTag, r.MeterStart, r.ReservationId, r.Timestamp, AllocatedTransactionId: 0, receivedAt), r.Timestamp);
            }

            case "StopTransaction":
            {
                var r = OcppMessages.Read<StopTransactionRequest>(call.Payload);
                return Call(
                    new StopTransaction(cid, id, r.TransactionId, r.MeterStop, r.Timestamp, r.IdTag, r.Reason, r.TransactionData is { } data ? MeterValues(data) : [], receivedAt),
                    r.Timestamp);
            }

            case "MeterValues":
            {
                var r = OcppMessages.Read<MeterValuesRequest>(call.Payload);
                if (r.ConnectorId < 0)
                {
                    return Negative(cid, call, "connectorId");
                }

                var values = MeterValues(r.MeterValue);
                var time = values.Count > 0 ? values[0].Timestamp : (Instant?)null;
                return r.TransactionId is { } tx
                    ? Call(new RecordMeterValues(cid, id, r.ConnectorId, tx, values, receivedAt), time)
                    : Call(new RecordConnectorMeterValues(cid, id, r.ConnectorId, values, receivedAt), time);
            }

            case "DataTransfer":
            {
                var r = OcppMessages.Read<DataTransferRequest>(call.Payload);
                return Call(new DataTransfer(cid, id, r.VendorId, r.MessageId, r.Data, receivedAt));
            }

            case "FirmwareStatusNotification":
                return Call(new FirmwareStatusNotification(cid, id, OcppMessages.Read<FirmwareStatusNotificationRequest>(call.Payload).Status, receivedAt));
            case "DiagnosticsStatusNotification":
                return Call(new DiagnosticsStatusNotification(cid, id, OcppMessages.Read<DiagnosticsStatusNotificationRequest>(call.Payload).Status, receivedAt));
            default:
                // Known to the 1.6 schemas (the validator answered NotImplemented for anything else), not handled here.
                return Invalid(cid, call, OcppErrorCode.NotSupported, $"action '{call.Action}' is not supported by this central system");
        }
    }

    private static List<MeterValueInput> MeterValues(IReadOnlyList<MeterValue> meterValues) =>
        meterValues
            .Select(v => new MeterValueInput(
                v.Timestamp,
                v.SampledValue.Select(s => new SampledValueInput(s.Value, s.Context, s.Format, s.Measurand, s.Phase, s.Location, s.Unit)).ToList()))
            .ToList();

    private static bool HasNul(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Any(HasNul),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || HasNul(p.Value)),
        _ => false,
    };

    private static InboundMessage.Invalid Negative(string cid, OcppCall call, string field) =>
        Invalid(cid, call, OcppErrorCode.PropertyConstraintViolation, $"{call.Action} request: $.{field} must not be negative");

    private static InboundMessage.Invalid Invalid(string cid, OcppCall call, OcppErrorCode code, string description) =>
        new(cid, call.UniqueId, description, code, Answer: true);
}
