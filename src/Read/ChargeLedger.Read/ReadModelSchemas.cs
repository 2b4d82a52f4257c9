namespace ChargeLedger.Read;

/// <summary>
/// Where a read model lives. Each projection owns one PostgreSQL schema; a rebuild fills a fresh schema and
/// renames it to the live name when caught up, so queries written against the live name keep working.
/// </summary>
public static class ReadModelSchemas
{
    /// <summary>The live schema of a projection, e.g. <c>rm_stream_heads</c>.</summary>
    public static string Live(string projectionName) => "rm_" + projectionName;
}
