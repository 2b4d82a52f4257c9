using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>
/// An assignment of a tariff to a scope (a charge point, a group or a site) from a validity start. Never edited: a later
/// assignment to the same scope supersedes it from its own start.
/// </summary>
public interface ITariffAssignment
{
    string TariffId { get; }

    Instant ValidFrom { get; }

    string? AssignedBy { get; }

    Instant ReceivedAt { get; }
}
