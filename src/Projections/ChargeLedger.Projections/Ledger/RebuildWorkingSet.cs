using ChargeLedger.EventStore;
using ChargeLedger.Read.Ledger;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// The working set of a rebuild copy that was filled from empty tables by this process: the rebuild is the only writer
/// of its copy, so the set holds exactly what the tables hold and no batch needs to read them back. It is only valid for
/// the batch that follows the last one applied to it: a batch applied again (its transaction was rolled back) or a copy
/// of another schema starts over, from the tables.
/// </summary>
internal sealed class RebuildWorkingSet(string schema, LedgerWorkingSet state)
{
    public string Schema { get; } = schema;

    public LedgerWorkingSet State { get; } = state;

    /// <summary>Where the last batch applied to <see cref="State"/> ended.</summary>
    public Checkpoint AppliedUpTo { get; set; } = Checkpoint.Start;

    public bool Continues(string schema, IReadOnlyList<RecordedEvent> batch) =>
        Schema == schema && batch[0].Checkpoint.CompareTo(AppliedUpTo) > 0;

    /// <summary>A fresh set for <paramref name="context"/>'s copy when its tables are still empty, otherwise null.</summary>
    public static async Task<RebuildWorkingSet?> StartAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        string[] tables =
        [
            LedgerTables.Sessions, LedgerTables.TariffEvents, LedgerTables.IdTagAccounts, LedgerTables.SessionSamples, LedgerTables.ConnectorStatuses,
            LedgerTables.ComplaintSubjects, LedgerTables.PostingSets, LedgerTables.Cdrs, LedgerTables.RefundRejections,
        ];
        await using var command = context.CreateCommand(
            "SELECT " + string.Join(" OR ", tables.Select(t => $"EXISTS (SELECT 1 FROM {context.Table(t)})")));
        var filled = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return filled ? null : new RebuildWorkingSet(context.Schema, new LedgerWorkingSet());
    }
}
