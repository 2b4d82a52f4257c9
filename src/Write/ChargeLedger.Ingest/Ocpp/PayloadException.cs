namespace ChargeLedger.Ingest.Ocpp;

/// <summary>A payload that breaks the OCPP 1.6 schema; carries the CALLERROR code to answer with.</summary>
public sealed class PayloadException(string errorCode, string reason) : Exception(reason)
{
    public string ErrorCode { get; } = errorCode;
}
