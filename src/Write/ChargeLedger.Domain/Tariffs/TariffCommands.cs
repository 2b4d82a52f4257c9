using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

public sealed record PublishTariff(TariffDefinition Tariff, Instant ReceivedAt);

public sealed record WithdrawTariff(string TariffId, Instant EffectiveFrom, string Reason, Instant ReceivedAt);

public sealed record AssignTariff(string ChargePointId, string TariffId, Instant ValidFrom, string? AssignedBy, Instant ReceivedAt);
