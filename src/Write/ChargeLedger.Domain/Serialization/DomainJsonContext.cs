using System.Text.Json.Serialization;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Transactions;

namespace ChargeLedger.Domain.Serialization;

/// <summary>Source-generated JSON metadata for every stored event: camelCase, enums as their names, instants as ISO-8601.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    Converters = [typeof(InstantJsonConverter)])]
[JsonSerializable(typeof(ChargePointRegistered))]
[JsonSerializable(typeof(ChargePointBooted))]
[JsonSerializable(typeof(ChargePointConnected))]
[JsonSerializable(typeof(ChargePointDisconnected))]
[JsonSerializable(typeof(HeartbeatReceived))]
[JsonSerializable(typeof(ConnectorStatusReported))]
[JsonSerializable(typeof(AuthorizationAnswered))]
[JsonSerializable(typeof(DataTransferReceived))]
[JsonSerializable(typeof(FirmwareStatusReported))]
[JsonSerializable(typeof(DiagnosticsStatusReported))]
[JsonSerializable(typeof(ConnectorMeterValuesRecorded))]
[JsonSerializable(typeof(TransactionIdAssigned))]
[JsonSerializable(typeof(ConnectorReleased))]
[JsonSerializable(typeof(MessageRejected))]
[JsonSerializable(typeof(RemoteCommandRequested))]
[JsonSerializable(typeof(RemoteCommandSent))]
[JsonSerializable(typeof(RemoteCommandReplied))]
[JsonSerializable(typeof(RemoteCommandFailed))]
[JsonSerializable(typeof(RemoteCommandTimedOut))]
[JsonSerializable(typeof(TransactionStarted))]
[JsonSerializable(typeof(MeterValuesRecorded))]
[JsonSerializable(typeof(TransactionStopped))]
[JsonSerializable(typeof(TransactionAnomalyDetected))]
[JsonSerializable(typeof(OrphanStopRecorded))]
[JsonSerializable(typeof(OrphanMeterValuesRecorded))]
[JsonSerializable(typeof(IdTagRegistered))]
[JsonSerializable(typeof(IdTagBlocked))]
[JsonSerializable(typeof(IdTagUnblocked))]
[JsonSerializable(typeof(IdTagExpired))]
[JsonSerializable(typeof(IdTagLinkedToAccount))]
[JsonSerializable(typeof(TariffPublished))]
[JsonSerializable(typeof(TariffWithdrawn))]
[JsonSerializable(typeof(TariffAssigned))]
[JsonSerializable(typeof(SiteRegistered))]
[JsonSerializable(typeof(SiteTariffAssigned))]
[JsonSerializable(typeof(ChargePointGroupRegistered))]
[JsonSerializable(typeof(GroupTariffAssigned))]
[JsonSerializable(typeof(ChargePointPlacedAtSite))]
[JsonSerializable(typeof(ChargePointJoinedGroup))]
[JsonSerializable(typeof(ChargePointLeftGroup))]
[JsonSerializable(typeof(ComplaintOpened))]
[JsonSerializable(typeof(ComplaintNoteAdded))]
[JsonSerializable(typeof(ComplaintEvidenceAttached))]
[JsonSerializable(typeof(ComplaintResolved))]
[JsonSerializable(typeof(ComplaintReopened))]
public sealed partial class DomainJsonContext : JsonSerializerContext;
