using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Tariffs;

namespace ChargeLedger.Domain.Sites;

/// <summary>Pure decider of a charge point group: its registration and its tariff assignments (the assigned tariff's state is passed in).</summary>
public static class ChargePointGroupDecider
{
    public static IReadOnlyList<IChargePointGroupEvent> Decide(RegisterChargePointGroup command, ChargePointGroupState state)
    {
        var groupId = ScopeIds.Check(command.GroupId, "groupId");
        var name = ScopeIds.Name(command.Name);
        if (state.Registration is { } registered)
        {
            return registered.Name == name
                ? []
                : throw new CommandRejectedException("groupId", $"group {groupId} is already registered as '{registered.Name}'; groups are never edited");
        }
        return [new ChargePointGroupRegistered(groupId, name, command.RegisteredBy, command.ReceivedAt)];
    }

    public static IReadOnlyList<IChargePointGroupEvent> Decide(AssignGroupTariff command, ChargePointGroupState state, TariffState tariff)
    {
        if (state.Registration is null)
            throw new CommandRejectedException("groupId", $"there is no group {command.GroupId}");
        return TariffAssignmentRules.IsNew(state.Assignments, command.TariffId, command.ValidFrom, tariff)
            ? [new GroupTariffAssigned(command.GroupId, command.TariffId!, command.ValidFrom, command.AssignedBy, command.ReceivedAt)]
            : [];
    }
}
