namespace ChargeLedger.Read.EnergyAudit;

/// <summary>Where an energy register reading came from.</summary>
public static class ReadingKinds
{
    /// <summary>A periodic or stop-data sample of one of our sessions.</summary>
    public const string Session = "session";

    /// <summary>The meterStart of a session.</summary>
    public const string Start = "start";

    /// <summary>The meterStop of a session (when the connector was released).</summary>
    public const string Stop = "stop";

    /// <summary>A sample sent without a transaction (e.g. clock-aligned or main meter).</summary>
    public const string Connector = "connector";

    /// <summary>A sample or meterStop of a transaction we could not attach (orphans stream).</summary>
    public const string Orphan = "orphan";
}
