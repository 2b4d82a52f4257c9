using NodaTime;

namespace ChargeLedger.Domain.Shared;

/// <summary>Every domain event keeps the time the Central System received the triggering message or command.</summary>
public interface IDomainEvent
{
    Instant ReceivedAt { get; }
}

/// <summary>Events of the <c>chargepoint-{cid}</c> stream.</summary>
public interface IChargePointEvent : IDomainEvent
{
    string ChargePointId { get; }
}

/// <summary>Events of the <c>transaction-{id}</c> stream.</summary>
public interface ITransactionEvent : IDomainEvent
{
    int TransactionId { get; }
}

/// <summary>Events of the <c>idtag-{TAG}</c> stream.</summary>
public interface IIdTagEvent : IDomainEvent
{
    string IdTag { get; }
}

/// <summary>Events of the <c>orphans-{cid}</c> stream.</summary>
public interface IOrphanEvent : IDomainEvent
{
    string ChargePointId { get; }
}
