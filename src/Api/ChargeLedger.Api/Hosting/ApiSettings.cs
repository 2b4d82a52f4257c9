using System.Globalization;
using ChargeLedger.EventStore;

namespace ChargeLedger.Api.Hosting;

/// <summary>The API host's configuration, read from the environment (or any configuration source with the same keys).</summary>
public sealed record ApiSettings(
    string PostgresConnectionString,
    string MqttHost,
    int MqttPort,
    Uri Url,
    double ReadyMaxLagSeconds,
    int RateLimitPerSecond,
    long MaxRequestBodyBytes,
    TimeSpan KeyCacheTtl)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static ApiSettings From(IConfiguration configuration)
    {
        string Text(string key, string fallback) => configuration[key] is { Length: > 0 } value ? value : fallback;
        double Number(string key, double fallback) =>
            double.TryParse(configuration[key], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;

        return new ApiSettings(
            Text(PostgresSettings.EnvironmentVariable, PostgresSettings.DefaultConnectionString),
            Text("CHARGELEDGER_MQTT_HOST", "127.0.0.1"),
            (int)Number("CHARGELEDGER_MQTT_PORT", 18839),
            new Uri(Text("CHARGELEDGER_API_URL", DefaultUrl)),
            Number("CHARGELEDGER_API_READY_MAX_LAG_SECONDS", 30),
            (int)Number("CHARGELEDGER_API_RATE_LIMIT", 1000),
            (long)Number("CHARGELEDGER_API_MAX_BODY_BYTES", 64 * 1024),
            TimeSpan.FromSeconds(Number("CHARGELEDGER_API_KEY_CACHE_SECONDS", 5)));
    }
}
