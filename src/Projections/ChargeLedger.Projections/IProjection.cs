using ChargeLedger.EventStore;

namespace ChargeLedger.Projections;

/// <summary>
/// A read model built from the event log. The runtime gives it batches in commit order and commits its
/// writes together with its checkpoint, so a handler never sees an event twice and never misses one.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: lower-case letters, digits and underscores, starting with a letter (at most 40 characters).</summary>
    string Name { get; }

    /// <summary>Bump when the read model's shape or meaning changes: the runner then rebuilds it from position zero.</summary>
    int Version { get; }

    /// <summary>DDL creating the read model's tables inside <paramref name="schema"/> (already created, empty).</summary>
    string CreateTablesSql(string schema);

    /// <summary>
    /// Applies one batch (commit order) to the tables in <see cref="ProjectionContext.Schema"/>, inside the
    /// context's transaction. Prefer set-based writes: one multi-row statement per table per batch.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken);

    /// <summary>
    /// True when no batch of a rebuild filling its copy from empty looks rows up through the read model's secondary
    /// indexes (only through primary keys and unique constraints): the rebuild then fills fresh tables without them and
    /// builds each once before the swap, which costs far less than maintaining them row by row. A rebuild resumed by a
    /// later run builds them before its first batch.
    /// </summary>
    bool DefersIndexesOnRebuild => false;

    /// <summary>
    /// False when no batch looks at <see cref="RecordedEvent.Metadata"/>: a rebuild then reads the log without it
    /// (<see cref="IEventStore.ReadAllWithoutMetadataAsync"/>). Live batches always carry it, since the runners of a
    /// host share the pages they read.
    /// </summary>
    bool ReadsMetadata => true;

    /// <summary>
    /// A query over the tables in <paramref name="schema"/> returning one row per key as text columns
    /// <c>key</c> and <c>value</c> (e.g. totals per account); a rebuild compares old and new with it.
    /// </summary>
    string ComparisonSql(string schema);
}
