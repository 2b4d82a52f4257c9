using ChargeLedger.Domain.Billing;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>The rules every tariff assignment obeys, whatever its scope (charge point, group, site).</summary>
public static class TariffAssignmentRules
{
    /// <summary>
    /// False when the same assignment was already made (the command is applied, nothing to record); true when it is a
    /// new one. Throws <see cref="CommandRejectedException"/> for an unpublished or withdrawn tariff, or a validity start
    /// not after the scope's latest one (assignments are never edited).
    /// </summary>
    public static bool IsNew(IReadOnlyList<ITariffAssignment> made, string? tariffId, Instant validFrom, TariffState tariff)
    {
        if (string.IsNullOrWhiteSpace(tariffId))
            throw new CommandRejectedException("tariffId", "is required");
        if (made.Any(a => a.TariffId == tariffId && a.ValidFrom == validFrom))
            return false;
        if (tariff.Latest is null)
            throw new CommandRejectedException("tariffId", $"tariff {tariffId} has no published version");
        if (tariff.WithdrawnFrom is { } withdrawn && validFrom >= withdrawn)
            throw new CommandRejectedException("tariffId", $"tariff {tariffId} is withdrawn from {withdrawn}");
        if (made.Count > 0 && validFrom <= made[^1].ValidFrom)
            throw new CommandRejectedException("validFrom",
                $"validity start {validFrom} must be after the latest assignment's start {made[^1].ValidFrom}; assignments are never edited");
        return true;
    }

    /// <summary>The assignment pricing a session starting at <paramref name="sessionStart"/>: the latest validity start at or before it.</summary>
    public static T? At<T>(IEnumerable<T> assignments, Instant sessionStart) where T : class, ITariffAssignment =>
        assignments.Where(a => a.ValidFrom <= sessionStart).MaxBy(a => a.ValidFrom);
}
