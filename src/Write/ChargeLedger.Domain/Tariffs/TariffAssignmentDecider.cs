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
        return TariffAssignmentRules.IsNew(state.Assignments, command.TariffId, command.ValidFrom, tariff)
            ? [new TariffAssigned(command.ChargePointId, command.TariffId, command.ValidFrom, command.AssignedBy, command.ReceivedAt)]
            : [];
    }
}
