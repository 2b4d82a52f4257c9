using System.Collections.Frozen;
using System.Text.Json.Serialization.Metadata;

namespace ChargeLedger.Domain.Serialization;

/// <summary>
/// The permanent event type names stored in the event store. A name never changes once events carry it; a changed
/// shape gets a new name (or an upcaster), never an edit. Names equal today's record names.
/// </summary>
public static class EventTypes
{
    private static readonly IReadOnlyList<JsonTypeInfo> All =
    [
        DomainJsonContext.Default.ChargePointRegistered,
        DomainJsonContext.Default.ChargePointBooted,
        DomainJsonContext.Default.ChargePointConnected,
        DomainJsonContext.Default.ChargePointDisconnected,
        DomainJsonContext.Default.HeartbeatReceived,
        DomainJsonContext.Default.ConnectorStatusReported,
        DomainJsonContext.Default.AuthorizationAnswered,
        DomainJsonContext.Default.DataTransferReceived,
        DomainJsonContext.Default.FirmwareStatusReported,
        DomainJsonContext.Default.DiagnosticsStatusReported,
        DomainJsonContext.Default.ConnectorMeterValuesRecorded,
        DomainJsonContext.Default.TransactionIdAssigned,
        DomainJsonContext.Default.ConnectorReleased,
        DomainJsonContext.Default.MessageRejected,
        DomainJsonContext.Default.RemoteCommandRequested,
        DomainJsonContext.Default.RemoteCommandSent,
        DomainJsonContext.Default.RemoteCommandReplied,
        DomainJsonContext.Default.RemoteCommandFailed,
        DomainJsonContext.Default.RemoteCommandTimedOut,
        DomainJsonContext.Default.TransactionStarted,
        DomainJsonContext.Default.MeterValuesRecorded,
        DomainJsonContext.Default.TransactionStopped,
        DomainJsonContext.Default.TransactionAnomalyDetected,
        DomainJsonContext.Default.OrphanStopRecorded,
        DomainJsonContext.Default.OrphanMeterValuesRecorded,
        DomainJsonContext.Default.IdTagRegistered,
        DomainJsonContext.Default.IdTagBlocked,
        DomainJsonContext.Default.IdTagUnblocked,
        DomainJsonContext.Default.IdTagExpired,
        DomainJsonContext.Default.IdTagLinkedToAccount,
        DomainJsonContext.Default.TariffPublished,
        DomainJsonContext.Default.TariffWithdrawn,
        DomainJsonContext.Default.TariffAssigned,
        DomainJsonContext.Default.SiteRegistered,
        DomainJsonContext.Default.SiteTariffAssigned,
        DomainJsonContext.Default.ChargePointGroupRegistered,
        DomainJsonContext.Default.GroupTariffAssigned,
        DomainJsonContext.Default.ChargePointPlacedAtSite,
        DomainJsonContext.Default.ChargePointJoinedGroup,
        DomainJsonContext.Default.ChargePointLeftGroup,
        DomainJsonContext.Default.ComplaintOpened,
        DomainJsonContext.Default.ComplaintNoteAdded,
        DomainJsonContext.Default.ComplaintEvidenceAttached,
        DomainJsonContext.Default.ComplaintResolved,
        DomainJsonContext.Default.ComplaintReopened,
    ];

    private static readonly FrozenDictionary<string, JsonTypeInfo> ByName = All.ToFrozenDictionary(t => t.Type.Name, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> NameByType = All.ToFrozenDictionary(t => t.Type, t => t.Type.Name);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static string? NameOf(Type eventType) => NameByType.GetValueOrDefault(eventType);

    public static JsonTypeInfo? InfoFor(string name) => ByName.GetValueOrDefault(name);

    public static JsonTypeInfo? InfoFor(Type eventType) => NameOf(eventType) is { } name ? ByName[name] : null;
}
