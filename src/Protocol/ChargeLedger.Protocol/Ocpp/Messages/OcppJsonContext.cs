using System.Text.Json.Serialization;

namespace ChargeLedger.Protocol.Ocpp.Messages;

/// <summary>Source-generated serializers for the typed messages: camelCase names, nulls omitted, OCPP date-times.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(OcppInstantConverter)])]
[JsonSerializable(typeof(AuthorizeRequest))]
[JsonSerializable(typeof(AuthorizeResponse))]
[JsonSerializable(typeof(BootNotificationRequest))]
[JsonSerializable(typeof(BootNotificationResponse))]
[JsonSerializable(typeof(DataTransferRequest))]
[JsonSerializable(typeof(DataTransferResponse))]
[JsonSerializable(typeof(DiagnosticsStatusNotificationRequest))]
[JsonSerializable(typeof(FirmwareStatusNotificationRequest))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(MeterValuesRequest))]
[JsonSerializable(typeof(StartTransactionRequest))]
[JsonSerializable(typeof(StartTransactionResponse))]
[JsonSerializable(typeof(StatusNotificationRequest))]
[JsonSerializable(typeof(StopTransactionRequest))]
[JsonSerializable(typeof(StopTransactionResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(RemoteStartTransactionRequest))]
[JsonSerializable(typeof(RemoteStopTransactionRequest))]
[JsonSerializable(typeof(ResetRequest))]
[JsonSerializable(typeof(UnlockConnectorRequest))]
[JsonSerializable(typeof(ChangeAvailabilityRequest))]
[JsonSerializable(typeof(GetConfigurationRequest))]
[JsonSerializable(typeof(GetConfigurationResponse))]
[JsonSerializable(typeof(ChangeConfigurationRequest))]
[JsonSerializable(typeof(TriggerMessageRequest))]
public sealed partial class OcppJsonContext : JsonSerializerContext;
