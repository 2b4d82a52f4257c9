namespace ChargeLedger.EventStore;

/// <summary>The schema cannot be migrated safely, e.g. an applied file was edited afterwards.</summary>
public sealed class MigrationException(string message) : EventStoreException(message);
