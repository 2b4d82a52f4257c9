using System.Text.Json;

namespace ChargeLedger.Protocol.Ocpp.Messages;

// Messages the central system initiates (support-staff actions) and the charge point's answers.

public sealed record StatusResponse(string Status);

/// <summary><see cref="ChargingProfile"/> is passed through as JSON (smart charging is out of scope here).</summary>
public sealed record RemoteStartTransactionRequest(string IdTag, int? ConnectorId = null, JsonElement? ChargingProfile = null);

public sealed record RemoteStopTransactionRequest(int TransactionId);

public sealed record ResetRequest(string Type);

public sealed record UnlockConnectorRequest(int ConnectorId);

public sealed record ChangeAvailabilityRequest(int ConnectorId, string Type);

public sealed record GetConfigurationRequest(IReadOnlyList<string>? Key = null);

public sealed record ConfigurationKey(string Key, bool Readonly, string? Value = null);

public sealed record GetConfigurationResponse(IReadOnlyList<ConfigurationKey>? ConfigurationKey = null, IReadOnlyList<string>? UnknownKey = null);

public sealed record ChangeConfigurationRequest(string Key, string Value);

public sealed record TriggerMessageRequest(string RequestedMessage, int? ConnectorId = null);
