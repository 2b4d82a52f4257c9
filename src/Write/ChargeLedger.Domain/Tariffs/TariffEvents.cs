using ChargeLedger.Domain.Shared;
using NodaTime;

namespace ChargeLedger.Domain.Tariffs;

/// <summary>Events of the <c>tariff-{id}</c> stream.</summary>
public interface ITariffEvent : IDomainEvent
{
    string TariffId { get; }
}

/// <summary>A new tariff version was published; earlier versions stay as they were.</summary>
public sealed record TariffPublished(TariffDefinition Tariff, Instant ReceivedAt) : ITariffEvent
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string TariffId => Tariff.TariffId;
}

/// <summary>The tariff stops applying to sessions starting at or after <paramref name="EffectiveFrom"/>.</summary>
public sealed record TariffWithdrawn(string TariffId, Instant EffectiveFrom, string Reason, Instant ReceivedAt) : ITariffEvent;
