namespace ChargeLedger.Read.Ledger;

/// <summary>Names shared by the billing-ledger projection (writer) and its queries (readers).</summary>
public static class LedgerTables
{
    public const string ProjectionName = "billing_ledger";

    /// <summary>Append-only ledger entries, one row per entry of a posting set.</summary>
    public const string Postings = "postings";

    /// <summary>Append-only posting set headers (kind, reference, sources), including empty charge sets of free sessions.</summary>
    public const string PostingSets = "posting_sets";

    /// <summary>Append-only OCPI 2.2.1 CDRs (jsonb) with filter columns; credit CDRs included.</summary>
    public const string Cdrs = "cdrs";

    /// <summary>One row per session: its facts and current pricing (priced, unpriced with a reason, or open).</summary>
    public const string Sessions = "sessions";

    /// <summary>Refunds that the ledger refused (e.g. more than was charged), kept so nothing is silently dropped.</summary>
    public const string RefundRejections = "refund_rejections";

    // Working state of the projection (inputs it needs again when a session is priced or re-priced).
    public const string TariffEvents = "tariff_events";
    public const string IdTagAccounts = "id_tag_accounts";
    public const string SessionSamples = "session_samples";
    public const string ConnectorStatuses = "connector_statuses";
    public const string ComplaintSubjects = "complaint_subjects";

    /// <summary>The customer account that takes sessions whose idTag has no billing account, so no charge goes missing.</summary>
    public const string UnassignedAccount = "unassigned";

    /// <summary>The reference a refund posting set carries: the complaint resolution that granted it.</summary>
    public static string RefundReference(string complaintId, string resolutionId) => $"complaint-{complaintId}/{resolutionId}";

    private static readonly string Schema = ReadModelSchemas.Live(ProjectionName);

    public static string LivePostings { get; } = Schema + "." + Postings;

    public static string LivePostingSets { get; } = Schema + "." + PostingSets;

    public static string LiveCdrs { get; } = Schema + "." + Cdrs;

    public static string LiveSessions { get; } = Schema + "." + Sessions;

    public static string LiveRefundRejections { get; } = Schema + "." + RefundRejections;
}
