namespace ChargeLedger.Protocol.Ocpp;

/// <summary>OCPP-J 1.6 CALLERROR codes (Table 7), named with the 1.6 spellings we send.</summary>
public enum OcppErrorCode
{
    NotImplemented,
    NotSupported,
    InternalError,
    ProtocolError,
    SecurityError,
    FormationViolation,
    PropertyConstraintViolation,
    OccurenceConstraintViolation,
    TypeConstraintViolation,
    GenericError,
}

public static class OcppErrorCodes
{
    /// <summary>The 1.6 wire spelling (including its typos, which the errata keep).</summary>
    public static string ToWire(this OcppErrorCode code) => code.ToString();

    /// <summary>
    /// Reads an error code as implementations actually send it: the 1.6 spellings, the corrected
    /// <c>OccurrenceConstraintViolation</c> and the 2.0.1 <c>FormatViolation</c>. Anything else is GenericError.
    /// </summary>
    public static OcppErrorCode Parse(string? text) => text switch
    {
        "FormatViolation" => OcppErrorCode.FormationViolation,
        "OccurrenceConstraintViolation" => OcppErrorCode.OccurenceConstraintViolation,
        _ when Enum.TryParse<OcppErrorCode>(text, ignoreCase: false, out var code) && !int.TryParse(text, out _) => code,
        _ => OcppErrorCode.GenericError,
    };
}

/// <summary>Why a frame or payload was rejected: the code to answer with and a description a person can act on.</summary>
public sealed record OcppError(OcppErrorCode Code, string Description, string? UniqueId = null)
{
    public override string ToString() => $"{Code}: {Description}";
}
