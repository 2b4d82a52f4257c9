namespace ChargeLedger.TestSupport;

/// <summary>Where the project's own services listen (eng/services), overridable by environment.</summary>
public static class TestServices
{
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("CHARGELEDGER_PG")
        ?? "Host=127.0.0.1;Port=54329;Username=chargeledger;Password=chargeledger;Database=chargeledger";

    public static string MqttHost => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_HOST") ?? "127.0.0.1";

    public static int MqttPort =>
        int.TryParse(Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PORT"), out var port) ? port : 18839;

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cqrs.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cqrs.sln not found above " + AppContext.BaseDirectory);
    }
}
