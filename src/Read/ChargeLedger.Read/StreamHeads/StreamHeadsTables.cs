namespace ChargeLedger.Read.StreamHeads;

/// <summary>Names shared by the stream-heads projection (writer) and its query (reader).</summary>
public static class StreamHeadsTables
{
    public const string ProjectionName = "stream_heads";

    public const string Table = "stream_heads";

    public static string LiveTable { get; } = ReadModelSchemas.Live(ProjectionName) + "." + Table;
}
