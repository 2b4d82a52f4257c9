using System.Text.Json;
using NodaTime;

namespace ChargeLedger.Api.Contracts;

public sealed record RemoteCommandAccepted(string CommandId, string ChargePointId, string Action, string UniqueId, string Status);

public sealed record RemoteCommandError(string Code, string Description, JsonElement? Details);

/// <summary>A remote command's life: Requested → Sent → Replied | Failed | TimedOut.</summary>
public sealed record RemoteCommandView(
    string CommandId,
    string ChargePointId,
    string Action,
    string UniqueId,
    string Status,
    JsonElement Request,
    string RequestedBy,
    Instant RequestedAt,
    Instant? SentAt,
    Instant? AnsweredAt,
    JsonElement? Response,
    RemoteCommandError? Error);

public sealed record RegisterIdTagRequest(string? IdTag, string? BillingAccount, string? ExpiryDate, string? ParentIdTag);

public sealed record BlockIdTagRequest(string? Reason);

public sealed record IdTagView(string IdTag, bool Registered, bool Blocked, string? BillingAccount, Instant? ExpiryDate, string? ParentIdTag, bool Changed);

public sealed record OpenComplaintRequest(
    string? ComplaintId, string? SubjectKind, string? SubjectId, string? WindowStart, string? WindowEnd, string? Description, string? OpenedBy);

public sealed record ComplaintNoteRequest(string? NoteId, string? Text, string? Author);

public sealed record MoneyInput(string? Amount, string? Currency);

public sealed record ComplaintResolutionRequest(string? ResolutionId, string? Outcome, string? Summary, MoneyInput? Refund, string? ResolvedBy);

public sealed record ComplaintCommandResult(string ComplaintId, string Status, string? EntryId, bool Changed);

public sealed record TariffBandInput(string? Name, string? Start, string? End, decimal? PricePerKwh, decimal? PricePerChargingMinute, IReadOnlyList<string>? DaysOfWeek);

/// <summary>Prices exclude VAT; decimals may be sent as strings ("0.39") or numbers.</summary>
public sealed record PublishTariffRequest(
    string? TariffId,
    string? ValidFrom,
    string? Currency,
    decimal? PricePerKwh,
    decimal? PricePerChargingMinute,
    decimal? PricePerParkingMinute,
    int? ParkingGraceMinutes,
    decimal? SessionFee,
    decimal? MinimumPrice,
    decimal? MaximumPrice,
    decimal? VatRatePercent,
    string? TimeZoneId,
    IReadOnlyList<TariffBandInput>? Bands);

public sealed record TariffBandView(string Name, string Start, string End, Money PricePerKwh, Money PricePerChargingMinute, IReadOnlyList<string> DaysOfWeek);

public sealed record TariffView(
    string TariffId,
    Instant ValidFrom,
    string Currency,
    Money PricePerKwh,
    Money PricePerChargingMinute,
    Money PricePerParkingMinute,
    int ParkingGraceMinutes,
    Money SessionFee,
    Money? MinimumPrice,
    Money? MaximumPrice,
    string VatRatePercent,
    string TimeZoneId,
    IReadOnlyList<TariffBandView> Bands,
    bool Changed);
