namespace ChargeLedger.Ingest.Ocpp;

/// <summary>OCPP-J 1.6 CALLERROR codes, with the 1.6 spellings (errata: the typos stay).</summary>
public static class OcppErrorCodes
{
    public const string NotImplemented = "NotImplemented";
    public const string NotSupported = "NotSupported";
    public const string InternalError = "InternalError";
    public const string ProtocolError = "ProtocolError";
    public const string FormationViolation = "FormationViolation";
    public const string PropertyConstraintViolation = "PropertyConstraintViolation";
    public const string OccurenceConstraintViolation = "OccurenceConstraintViolation";
    public const string TypeConstraintViolation = "TypeConstraintViolation";
    public const string GenericError = "GenericError";
}
