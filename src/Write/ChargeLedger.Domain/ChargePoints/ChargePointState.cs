using System.Collections.Immutable;
using ChargeLedger.Domain.Shared;

namespace ChargeLedger.Domain.ChargePoints;

/// <summary>State of one <c>chargepoint-{cid}</c> stream.</summary>
public sealed record ChargePointState(
    bool Registered,
    ChargePointBooted? LastBoot,
    bool? Connected,
    NodaTime.Instant? ConnectionNoticeTime,
    ImmutableDictionary<int, ConnectorState> Connectors,
    ImmutableDictionary<StartKey, TransactionIdAssigned> Starts,
    ImmutableDictionary<string, RemoteCommandState> Commands,
    ImmutableDictionary<string, string> CommandIdByUniqueId,
    RecentMessages Recent)
{
    public static readonly ChargePointState Empty = new(
        false,
        null,
        null,
        null,
        ImmutableDictionary<int, ConnectorState>.Empty,
        ImmutableDictionary<StartKey, TransactionIdAssigned>.Empty,
        ImmutableDictionary<string, RemoteCommandState>.Empty,
        ImmutableDictionary<string, string>.Empty,
        RecentMessages.Empty);

    public ConnectorState Connector(int connectorId) => Connectors.GetValueOrDefault(connectorId) ?? ConnectorState.Unknown;

    public RemoteCommandState? CommandByUniqueId(string uniqueId) =>
        CommandIdByUniqueId.TryGetValue(uniqueId, out var commandId) ? Commands[commandId] : null;

    public static ChargePointState Fold(IEnumerable<object> events) => events.Aggregate(Empty, Evolve);

    public static ChargePointState Evolve(ChargePointState state, object @event) => @event switch
    {
        ChargePointRegistered => state with { Registered = true },
        ChargePointBooted e => state with { LastBoot = e, Recent = RecentMessages.Empty.Add(nameof(BootNotification), e.UniqueId) },
        ChargePointConnected e => state with { Connected = true, ConnectionNoticeTime = e.BrokerTime },
        ChargePointDisconnected e => state with { Connected = false, ConnectionNoticeTime = e.BrokerTime },
        HeartbeatReceived e => state.Remember(nameof(Heartbeat), e.UniqueId),
        ConnectorStatusReported e => state.WithConnector(e.ConnectorId, c => c with
        {
            Status = e.Status,
            ErrorCode = e.ErrorCode,
            Info = e.Info,
            VendorId = e.VendorId,
            VendorErrorCode = e.VendorErrorCode,
            StatusTime = e.DeviceTime ?? e.ReceivedAt,
        }).Remember(nameof(StatusNotification), e.UniqueId),
        AuthorizationAnswered e => state with { Recent = state.Recent.Add(nameof(Authorize), e.UniqueId, e.IdTagInfo) },
        DataTransferReceived e => state.Remember(nameof(DataTransfer), e.UniqueId),
        FirmwareStatusReported e => state.Remember(nameof(FirmwareStatusNotification), e.UniqueId),
        DiagnosticsStatusReported e => state.Remember(nameof(DiagnosticsStatusNotification), e.UniqueId),
        ConnectorMeterValuesRecorded e => state.Remember("MeterValues", e.UniqueId),
        MessageRejected { UniqueId: { } uniqueId } => state.Remember(nameof(MessageRejected), uniqueId),
        TransactionIdAssigned e => (state with { Starts = state.Starts.SetItem(StartKey.Of(e.ConnectorId, e.IdTag, e.DeviceTime, e.MeterStart), e) })
            .WithConnector(e.ConnectorId, c => c with
            {
                OpenTransactionId = e.TransactionId,
                LastRegisterWh = e.MeterStart,
                LastTransactionTime = Later(c.LastTransactionTime, e.DeviceTime),
            }),
        ConnectorReleased e => state.WithConnector(e.ConnectorId, c => c with
        {
            OpenTransactionId = c.OpenTransactionId == e.TransactionId ? null : c.OpenTransactionId,
            LastRegisterWh = e.MeterStop,
            LastTransactionTime = Later(c.LastTransactionTime, e.DeviceTime),
        }),
        RemoteCommandRequested e => state with
        {
            Commands = state.Commands.SetItem(e.CommandId, new RemoteCommandState(e.CommandId, e.UniqueId, e.Action, RemoteCommandStatus.Requested)),
            CommandIdByUniqueId = state.CommandIdByUniqueId.SetItem(e.UniqueId, e.CommandId),
        },
        RemoteCommandSent e => state.WithCommand(e.CommandId, RemoteCommandStatus.Sent),
        RemoteCommandReplied e => state.WithCommand(e.CommandId, RemoteCommandStatus.Replied),
        RemoteCommandFailed e => state.WithCommand(e.CommandId, RemoteCommandStatus.Failed),
        RemoteCommandTimedOut e => state.WithCommand(e.CommandId, RemoteCommandStatus.TimedOut),
        _ => state,
    };

    private ChargePointState Remember(string action, string uniqueId) => this with { Recent = Recent.Add(action, uniqueId) };

    private ChargePointState WithConnector(int connectorId, Func<ConnectorState, ConnectorState> change) =>
        this with { Connectors = Connectors.SetItem(connectorId, change(Connector(connectorId))) };

    private ChargePointState WithCommand(string commandId, RemoteCommandStatus status) =>
        Commands.TryGetValue(commandId, out var command) ? this with { Commands = Commands.SetItem(commandId, command with { Status = status }) } : this;

    private static NodaTime.Instant Later(NodaTime.Instant? a, NodaTime.Instant b) => a is { } x && x > b ? x : b;
}
