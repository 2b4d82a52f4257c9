using System.Security.Claims;
using ChargeLedger.EventStore;
using NodaTime;

namespace ChargeLedger.Api.Commands;

/// <summary>Who issued a command through the API, kept with its events.</summary>
public static class CommandMetadata
{
    public static string Caller(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name) ?? "unknown";

    public static EventMetadata For(HttpContext context, Instant now, string? chargePointId = null) => new(
        CorrelationId: Guid.CreateVersion7(),
        Source: "api:" + Caller(context),
        ChargePointId: chargePointId,
        ReceivedAt: now);
}
