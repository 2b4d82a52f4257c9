using ChargeLedger.Domain.Billing;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>
/// Pure decider of a charge point's tariff assignments. The assigned tariff's own state is passed in, so an unknown or
/// withdrawn tariff is refused; whether the charge point exists is the caller's question (it is another aggregate).
/// </summary>
public static class TariffAssignmentDecider
{
    public static IReadOnlyList<ITariffAssignmentEvent> Decide(AssignTariff command, TariffAssignmentState state, TariffState tariff)
    {
        if (string.IsNullOrWhiteSpace(command.ChargePointId))
            throw new CommandRejectedException("chargePointId", "is required");
        if (string.IsNullOrWhiteSpace(command.TariffId))
            throw new CommandRejectedException("tariffId", "is required");
        if (state.Assignments.Any(a => a.TariffId == command.TariffId && a.ValidFrom == command.ValidFrom))
            return [];
        if (tariff.Latest is null)
            throw new CommandRejectedException("tariffId", $"tariff {command.TariffId} has no published version");
        if (tariff.WithdrawnFrom is { } withdrawn && command.ValidFrom >= withdrawn)
            throw new CommandRejectedException("tariffId", $"tariff {command.TariffId} is withdrawn from {withdrawn}");
        if (state.Latest is { } latest && command.ValidFrom <= latest.ValidFrom)
            throw new CommandRejectedException("validFrom",
                $"validity start {command.ValidFrom} must be after the latest assignment's start {latest.ValidFrom}; assignments are never edited");
        return [new TariffAssigned(command.ChargePointId, command.TariffId, command.ValidFrom, command.AssignedBy, command.ReceivedAt)];
    }
}
