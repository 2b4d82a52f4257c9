using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Sites;

public sealed class ChargePointGroupDeciderTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");
    private static readonly Instant June = At("2026-06-01T00:00:00Z");
    private static readonly TariffState Published = TariffState.Fold([new TariffPublished(Tariff() with { TariffId = "hpc" }, Now)]);
    private static readonly ChargePointGroupRegistered Motorway = new("motorway-hpc", "Motorway HPC", "anna", Now);

    [Fact]
    public void GivenNoGroup_WhenRegisteredTwice_ThenOneGroupRegistered()
    {
        var first = ChargePointGroupDecider.Decide(new RegisterChargePointGroup("motorway-hpc", " Motorway HPC ", "anna", Now), ChargePointGroupState.Initial);
        var again = ChargePointGroupDecider.Decide(new RegisterChargePointGroup("motorway-hpc", "Motorway HPC", "ben", Now), first.Aggregate(ChargePointGroupState.Initial, ChargePointGroupState.Evolve));

        Assert.Equal(Motorway, Assert.Single(first));
        Assert.Empty(again);
    }

    [Fact]
    public void GivenRegisteredGroup_WhenRegisteredWithAnotherName_ThenRejectedOnGroupId()
    {
        Assert.Equal("groupId", Assert.Throws<CommandRejectedException>(() =>
            ChargePointGroupDecider.Decide(new RegisterChargePointGroup("motorway-hpc", "City AC", "anna", Now), ChargePointGroupState.Fold([Motorway]))).Field);
    }

    [Fact]
    public void GivenNoGroup_WhenRegisteredWithoutName_ThenRejectedOnName()
    {
        Assert.Equal("name", Assert.Throws<CommandRejectedException>(() =>
            ChargePointGroupDecider.Decide(new RegisterChargePointGroup("motorway-hpc", "", "anna", Now), ChargePointGroupState.Initial)).Field);
    }

    [Fact]
    public void GivenRegisteredGroup_WhenTariffAssignedTwice_ThenOneGroupTariffAssigned()
    {
        var state = ChargePointGroupState.Fold([Motorway]);
        var first = ChargePointGroupDecider.Decide(new AssignGroupTariff("motorway-hpc", "hpc", June, "anna", Now), state, Published);
        var again = ChargePointGroupDecider.Decide(new AssignGroupTariff("motorway-hpc", "hpc", June, "anna", Now), first.Aggregate(state, ChargePointGroupState.Evolve), Published);

        Assert.Equal(new GroupTariffAssigned("motorway-hpc", "hpc", June, "anna", Now), Assert.Single(first));
        Assert.Empty(again);
    }

    [Fact]
    public void GivenUnregisteredGroup_WhenTariffAssigned_ThenRejectedOnGroupId()
    {
        Assert.Equal("groupId", Assert.Throws<CommandRejectedException>(() =>
            ChargePointGroupDecider.Decide(new AssignGroupTariff("motorway-hpc", "hpc", June, "anna", Now), ChargePointGroupState.Initial, Published)).Field);
    }

    [Fact]
    public void GivenWithdrawnTariff_WhenAssignedToGroupAfterTheWithdrawal_ThenRejectedOnTariffId()
    {
        var withdrawn = TariffState.Evolve(Published, new TariffWithdrawn("hpc", June, "closed", Now));

        Assert.Equal("tariffId", Assert.Throws<CommandRejectedException>(() =>
            ChargePointGroupDecider.Decide(new AssignGroupTariff("motorway-hpc", "hpc", June, "anna", Now), ChargePointGroupState.Fold([Motorway]), withdrawn)).Field);
    }
}
