using ChargeLedger.Protocol.Ocpp;
using NodaTime;

namespace ChargeLedger.Ingest.Ocpp;

/// <summary>What one broker message turned out to be after decoding and validation.</summary>
public abstract record InboundMessage(string? ChargePointId)
{
    /// <summary>A charge point CALL: <see cref="Command"/> is the domain command (a StartTransaction still without its allocated id).</summary>
    public sealed record Call(string ChargePointId, string UniqueId, string Action, object Command, Instant? DeviceTime) : InboundMessage(ChargePointId);

    /// <summary>A CALLRESULT or CALLERROR the charge point sent for one of our CALLs.</summary>
    public sealed record Reply(string ChargePointId, string UniqueId, object Command) : InboundMessage(ChargePointId);

    /// <summary>A gateway connect/disconnect notice.</summary>
    public sealed record Notice(string ChargePointId, object Command, Instant? BrokerTime) : InboundMessage(ChargePointId);

    /// <summary>Undecodable or invalid: recorded as evidence; answered with a CALLERROR when <see cref="UniqueId"/> is known and it was a CALL.</summary>
    public sealed record Invalid(string? ChargePointId, string? UniqueId, string Reason, OcppErrorCode? ErrorCode, bool Answer) : InboundMessage(ChargePointId);
}
