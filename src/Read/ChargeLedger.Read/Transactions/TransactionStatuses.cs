namespace ChargeLedger.Read.Transactions;

/// <summary>A session's status in the transactions read model.</summary>
public static class TransactionStatuses
{
    public const string Active = "Active";

    public const string Completed = "Completed";

    /// <summary>No StopTransaction within the configured time (a late stop still completes the session).</summary>
    public const string StopMissing = "StopMissing";
}
