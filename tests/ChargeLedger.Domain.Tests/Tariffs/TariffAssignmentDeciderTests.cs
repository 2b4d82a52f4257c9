using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Tariffs;
using NodaTime;
using Xunit;
using static ChargeLedger.Domain.Tests.Tariffs.TariffFixtures;

namespace ChargeLedger.Domain.Tests.Tariffs;

public sealed class TariffAssignmentDeciderTests
{
    private static readonly Instant Now = At("2026-05-01T12:00:00Z");
    private static readonly Instant June = At("2026-06-01T00:00:00Z");
    private static readonly Instant July = At("2026-07-01T00:00:00Z");

    private static readonly TariffState Published = TariffState.Fold([new TariffPublished(Tariff() with { TariffId = "ac-fast" }, Now)]);

    private static TariffAssignmentState Given(params ITariffAssignmentEvent[] events) => TariffAssignmentState.Fold(events);

    private static AssignTariff Assign(string tariffId, Instant validFrom, string chargePointId = "CP-1") =>
        new(chargePointId, tariffId, validFrom, "anna", Now);

    [Fact]
    public void GivenNoAssignment_WhenAssigningPublishedTariff_ThenTariffAssigned()
    {
        var events = TariffAssignmentDecider.Decide(Assign("ac-fast", June), TariffAssignmentState.Initial, Published);

        Assert.Equal(new TariffAssigned("CP-1", "ac-fast", June, "anna", Now), Assert.Single(events));
    }

    [Fact]
    public void GivenAssignment_WhenSameAssignmentRepeated_ThenNoEvents()
    {
        var state = Given(new TariffAssigned("CP-1", "ac-fast", June, "anna", Now));

        Assert.Empty(TariffAssignmentDecider.Decide(Assign("ac-fast", June) with { ReceivedAt = Now + Duration.FromHours(1) }, state, Published));
    }

    [Fact]
    public void GivenAssignment_WhenLaterAssignmentMade_ThenItSupersedesFromItsStartOnly()
    {
        var state = Given(new TariffAssigned("CP-1", "default", June, "anna", Now));

        var after = TariffAssignmentDecider.Decide(Assign("ac-fast", July), state, Published).Aggregate(state, TariffAssignmentState.Evolve);

        Assert.Null(after.TariffAt(June - Duration.FromSeconds(1)));
        Assert.Equal("default", after.TariffAt(June));
        Assert.Equal("default", after.TariffAt(July - Duration.FromSeconds(1)));
        Assert.Equal("ac-fast", after.TariffAt(July));
        Assert.Equal(2, after.Assignments.Count);
    }

    [Fact]
    public void GivenAssignment_WhenDifferentAssignmentWithSameOrEarlierStart_ThenRejectedOnValidFrom()
    {
        var state = Given(new TariffAssigned("CP-1", "default", July, "anna", Now));

        Assert.Equal("validFrom", Assert.Throws<CommandRejectedException>(() => TariffAssignmentDecider.Decide(Assign("ac-fast", July), state, Published)).Field);
        Assert.Equal("validFrom", Assert.Throws<CommandRejectedException>(() => TariffAssignmentDecider.Decide(Assign("ac-fast", June), state, Published)).Field);
    }

    [Fact]
    public void GivenUnpublishedTariff_WhenAssigned_ThenRejectedOnTariffId()
    {
        var rejected = Assert.Throws<CommandRejectedException>(() => TariffAssignmentDecider.Decide(Assign("nope", June), TariffAssignmentState.Initial, TariffState.Initial));

        Assert.Equal("tariffId", rejected.Field);
    }

    [Fact]
    public void GivenWithdrawnTariff_WhenAssignedFromAfterTheWithdrawal_ThenRejectedOnTariffId()
    {
        var withdrawn = TariffState.Evolve(Published, new TariffWithdrawn("ac-fast", June, "closed", Now));

        Assert.Equal("tariffId", Assert.Throws<CommandRejectedException>(() => TariffAssignmentDecider.Decide(Assign("ac-fast", July), TariffAssignmentState.Initial, withdrawn)).Field);
    }

    [Fact]
    public void GivenMissingChargePoint_WhenAssigned_ThenRejectedOnChargePointId()
    {
        Assert.Equal("chargePointId", Assert.Throws<CommandRejectedException>(() => TariffAssignmentDecider.Decide(Assign("ac-fast", June, " "), TariffAssignmentState.Initial, Published)).Field);
    }
}
