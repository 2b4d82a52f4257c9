using ChargeLedger.Domain.Billing;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>Pure decider of a tariff stream; invalid commands throw <see cref="CommandRejectedException"/>.</summary>
public static class TariffDecider
{
    public static IReadOnlyList<ITariffEvent> Decide(PublishTariff command, TariffState state)
    {
        var tariff = command.Tariff;
        TariffValidation.Validate(tariff);
        if (state.Versions.Any(v => v == tariff))
            return [];
        if (state.WithdrawnFrom is not null)
            throw new CommandRejectedException("tariffId", $"tariff {tariff.TariffId} was withdrawn; publish under a new id");
        if (state.Latest is { } latest && tariff.ValidFrom <= latest.ValidFrom)
            throw new CommandRejectedException("validFrom",
                $"validity start {tariff.ValidFrom} must be after the latest version's start {latest.ValidFrom}; published versions are never edited");
        return [new TariffPublished(tariff, command.ReceivedAt)];
    }

    public static IReadOnlyList<ITariffEvent> Decide(WithdrawTariff command, TariffState state)
    {
        if (state.WithdrawnFrom is { } withdrawn)
            return withdrawn == command.EffectiveFrom
                ? []
                : throw new CommandRejectedException("effectiveFrom", $"tariff {command.TariffId} is already withdrawn from {withdrawn}");
        if (state.Latest is null)
            throw new CommandRejectedException("tariffId", $"tariff {command.TariffId} has no published version");
        if (string.IsNullOrWhiteSpace(command.Reason))
            throw new CommandRejectedException("reason", "a reason is required");
        return [new TariffWithdrawn(command.TariffId, command.EffectiveFrom, command.Reason, command.ReceivedAt)];
    }
}
