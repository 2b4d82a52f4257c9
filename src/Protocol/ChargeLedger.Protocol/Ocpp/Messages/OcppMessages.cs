using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ChargeLedger.Protocol.Ocpp.Messages;

/// <summary>Typed access to payloads: validate first (<see cref="OcppSchemaValidator"/>), then read.</summary>
public static class OcppMessages
{
    /// <summary>Request type per action for the messages this layer types; other actions stay JSON.</summary>
    public static IReadOnlyDictionary<string, Type> RequestTypes { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["Authorize"] = typeof(AuthorizeRequest),
        ["BootNotification"] = typeof(BootNotificationRequest),
        ["DataTransfer"] = typeof(DataTransferRequest),
        ["DiagnosticsStatusNotification"] = typeof(DiagnosticsStatusNotificationRequest),
        ["FirmwareStatusNotification"] = typeof(FirmwareStatusNotificationRequest),
        ["Heartbeat"] = typeof(HeartbeatRequest),
        ["MeterValues"] = typeof(MeterValuesRequest),
        ["StartTransaction"] = typeof(StartTransactionRequest),
        ["StatusNotification"] = typeof(StatusNotificationRequest),
        ["StopTransaction"] = typeof(StopTransactionRequest),
        ["RemoteStartTransaction"] = typeof(RemoteStartTransactionRequest),
        ["RemoteStopTransaction"] = typeof(RemoteStopTransactionRequest),
        ["Reset"] = typeof(ResetRequest),
        ["UnlockConnector"] = typeof(UnlockConnectorRequest),
        ["ChangeAvailability"] = typeof(ChangeAvailabilityRequest),
        ["GetConfiguration"] = typeof(GetConfigurationRequest),
        ["ChangeConfiguration"] = typeof(ChangeConfigurationRequest),
        ["TriggerMessage"] = typeof(TriggerMessageRequest),
    };

    /// <summary>Reads a typed payload; throws <see cref="JsonException"/> when it does not fit (validate first).</summary>
    public static T Read<T>(JsonElement payload) =>
        payload.Deserialize((JsonTypeInfo<T>)OcppJsonContext.Default.GetTypeInfo(typeof(T))!)
        ?? throw new JsonException($"null payload for {typeof(T).Name}");

    /// <summary>Reads the request of a CALL as its typed record (see <see cref="RequestTypes"/>).</summary>
    public static object ReadRequest(OcppCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!RequestTypes.TryGetValue(call.Action, out var type))
        {
            throw new NotSupportedException($"{call.Action} has no typed request record.");
        }
        return call.Payload.Deserialize(OcppJsonContext.Default.GetTypeInfo(type)!)
            ?? throw new JsonException($"null payload for {call.Action}");
    }

    /// <summary>Writes a typed payload as a detached JsonElement, ready for a frame.</summary>
    public static JsonElement Write<T>(T payload) =>
        JsonSerializer.SerializeToElement(payload, (JsonTypeInfo<T>)OcppJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static OcppCall Call<T>(string uniqueId, string action, T payload) => new(uniqueId, action, Write(payload));

    public static OcppCallResult Result<T>(string uniqueId, T payload) => new(uniqueId, Write(payload));
}
