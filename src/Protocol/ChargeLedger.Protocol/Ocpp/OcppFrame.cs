using System.Text.Json;

namespace ChargeLedger.Protocol.Ocpp;

public enum OcppMessageType
{
    Call = 2,
    CallResult = 3,
    CallError = 4,
}

/// <summary>
/// One OCPP-J RPC frame. <see cref="RawText"/> is the text exactly as received (null for frames built here), kept
/// verbatim as audit evidence; payloads are detached <see cref="JsonElement"/>s, safe to keep.
/// </summary>
public abstract record OcppFrame(string UniqueId)
{
    public abstract OcppMessageType MessageType { get; }

    public string? RawText { get; init; }
}

public sealed record OcppCall(string UniqueId, string Action, JsonElement Payload) : OcppFrame(UniqueId)
{
    public override OcppMessageType MessageType => OcppMessageType.Call;
}

public sealed record OcppCallResult(string UniqueId, JsonElement Payload) : OcppFrame(UniqueId)
{
    public override OcppMessageType MessageType => OcppMessageType.CallResult;
}

/// <summary><see cref="ErrorCodeText"/> is the code as sent; <see cref="ErrorCode"/> its tolerant reading.</summary>
public sealed record OcppCallError(string UniqueId, string ErrorCodeText, string ErrorDescription, JsonElement ErrorDetails) : OcppFrame(UniqueId)
{
    public OcppCallError(string uniqueId, OcppErrorCode errorCode, string errorDescription)
        : this(uniqueId, errorCode.ToWire(), errorDescription, EmptyObject)
    {
    }

    public override OcppMessageType MessageType => OcppMessageType.CallError;

    public OcppErrorCode ErrorCode => OcppErrorCodes.Parse(ErrorCodeText);

    internal static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>A parsed frame, or the error to answer with (UniqueId set when it could be read).</summary>
public readonly record struct OcppFrameParseResult(OcppFrame? Frame, OcppError? Error)
{
    public bool IsValid => Frame is not null;
}
