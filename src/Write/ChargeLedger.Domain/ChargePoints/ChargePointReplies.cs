using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.ChargePoints;

// Calls whose confirmation is an empty object (StatusNotification, Firmware/DiagnosticsStatusNotification, MeterValues) have no reply type.

public sealed record BootNotificationReply(RegistrationStatus Status, Instant CurrentTime, int Interval);

public sealed record HeartbeatReply(Instant CurrentTime);

public sealed record AuthorizeReply(IdTagInfo IdTagInfo);

public sealed record DataTransferReply(DataTransferStatus Status, string? Data);
