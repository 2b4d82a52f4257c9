namespace ChargeLedger.Read.Complaints;

/// <summary>Names shared by the complaints projection (writer) and its query (reader).</summary>
public static class ComplaintsTables
{
    public const string ProjectionName = "complaints";

    /// <summary>One row per complaint: subject, window, status and the latest resolution.</summary>
    public const string Complaints = "complaints";

    public const string Notes = "complaint_notes";

    public const string Evidence = "complaint_evidence";

    /// <summary>Every event of every complaint stream in log order (opened, notes, evidence, resolutions, reopenings).</summary>
    public const string History = "complaint_history";

    private static readonly string Schema = ReadModelSchemas.Live(ProjectionName);

    public static string LiveComplaints { get; } = Schema + "." + Complaints;

    public static string LiveNotes { get; } = Schema + "." + Notes;

    public static string LiveEvidence { get; } = Schema + "." + Evidence;

    public static string LiveHistory { get; } = Schema + "." + History;
}
