using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

public sealed record PublishTariff(TariffDefinition Tariff, Instant ReceivedAt);

public sealed record WithdrawTariff(string TariffId, Instant EffectiveFrom, string Reason, Instant ReceivedAt);
