using System.Text;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>The broker account tests connect with (<c>eng/services env</c>), or none when the broker allows anonymous clients.</summary>
public static class MqttCredentials
{
    public static string? Username => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_USERNAME") is { Length: > 0 } name ? name : null;

    public static string? Password => Environment.GetEnvironmentVariable("CHARGELEDGER_MQTT_PASSWORD") is { Length: > 0 } password ? password : null;

    public static byte[]? PasswordBytes => Password is { } password ? Encoding.UTF8.GetBytes(password) : null;
}
