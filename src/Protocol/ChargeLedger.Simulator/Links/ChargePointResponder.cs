using System.Text.Json;
using ChargeLedger.Protocol.Ocpp;

namespace ChargeLedger.Simulator.Links;

/// <summary>How a simulated charge point answers the Central System's CALLs (it accepts harmless ones, refuses the rest).</summary>
internal static class ChargePointResponder
{
    private static readonly JsonElement Accepted = JsonDocument.Parse("""{"status":"Accepted"}""").RootElement.Clone();
    private static readonly JsonElement Rejected = JsonDocument.Parse("""{"status":"Rejected"}""").RootElement.Clone();

    public static OcppFrame Answer(OcppCall call) => call.Action switch
    {
        "Reset" or "ChangeAvailability" or "ChangeConfiguration" => new OcppCallResult(call.UniqueId, Accepted),
        "RemoteStartTransaction" or "RemoteStopTransaction" or "TriggerMessage" => new OcppCallResult(call.UniqueId, Rejected),
        _ => new OcppCallError(call.UniqueId, OcppErrorCode.NotSupported, $"the simulator does not support {call.Action}"),
    };
}
