using System.Text.Json;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.ChargePoints;

namespace ChargeLedger.Api.Commands;

/// <summary>
/// Checks the OCPP 1.6 request payload of a remote command before it is recorded (required fields, types, enums,
/// no unknown properties, as the OCPP JSON schemas say), so the charge point never receives a call it must reject.
/// </summary>
public static class RemoteCommandPayload
{
    private static readonly string[] ResetTypes = ["Hard", "Soft"];
    private static readonly string[] AvailabilityTypes = ["Inoperative", "Operative"];
    private static readonly string[] TriggerableMessages =
        ["BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StatusNotification"];

    /// <summary>The payload as compact JSON; throws <see cref="ApiInputException"/> naming the field at fault.</summary>
    public static string Validate(RemoteAction action, JsonElement? body)
    {
        var payload = body ?? JsonDocument.Parse("{}").RootElement;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ApiInputException("body", "The body must be a JSON object: the OCPP request payload.");
        }
        switch (action)
        {
            case RemoteAction.RemoteStartTransaction:
                Allow(payload, "idTag", "connectorId", "chargingProfile");
                var idTag = String(payload, "idTag", required: true)!;
                if (idTag.Length > 20)
                {
                    throw new ApiInputException("idTag", "An idTag has at most 20 characters.");
                }
                Integer(payload, "connectorId", required: false, min: 1);
                if (payload.TryGetProperty("chargingProfile", out var profile) && profile.ValueKind != JsonValueKind.Object)
                {
                    throw new ApiInputException("chargingProfile", "Must be an object.");
                }
                break;
            case RemoteAction.RemoteStopTransaction:
                Allow(payload, "transactionId");
                Integer(payload, "transactionId", required: true, min: int.MinValue);
                break;
            case RemoteAction.Reset:
                Allow(payload, "type");
                OneOf(payload, "type", ResetTypes);
                break;
            case RemoteAction.UnlockConnector:
                Allow(payload, "connectorId");
                Integer(payload, "connectorId", required: true, min: 1);
                break;
            case RemoteAction.ChangeAvailability:
                Allow(payload, "connectorId", "type");
                Integer(payload, "connectorId", required: true, min: 0);
                OneOf(payload, "type", AvailabilityTypes);
                break;
            case RemoteAction.TriggerMessage:
                Allow(payload, "requestedMessage", "connectorId");
                OneOf(payload, "requestedMessage", TriggerableMessages);
                Integer(payload, "connectorId", required: false, min: 1);
                break;
        }
        return JsonSerializer.Serialize(payload);
    }

    private static void Allow(JsonElement payload, params string[] names)
    {
        foreach (var property in payload.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ApiInputException(property.Name, $"Unknown property; allowed: {string.Join(", ", names)}.");
            }
        }
    }

    private static string? String(JsonElement payload, string name, bool required)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            return required ? throw new ApiInputException(name, $"'{name}' is required.") : null;
        }
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new ApiInputException(name, "Must be a non-empty string.");
    }

    private static void Integer(JsonElement payload, string name, bool required, int min)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            if (required)
            {
                throw new ApiInputException(name, $"'{name}' is required.");
            }
            return;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min)
        {
            throw new ApiInputException(name, min == int.MinValue ? "Must be an integer." : $"Must be an integer of at least {min}.");
        }
    }

    private static void OneOf(JsonElement payload, string name, string[] allowed)
    {
        var value = String(payload, name, required: true);
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new ApiInputException(name, $"'{value}' is not one of {string.Join(", ", allowed)}.");
        }
    }
}
