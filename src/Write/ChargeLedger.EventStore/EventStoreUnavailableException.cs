namespace ChargeLedger.EventStore;

/// <summary>
/// The database failed or the connection dropped during an append. The transaction is then either rolled back
/// or (if only the acknowledgment was lost) committed; retrying the same unit is safe because appends are idempotent.
/// </summary>
public sealed class EventStoreUnavailableException(string message, Exception inner) : EventStoreException(message, inner);
