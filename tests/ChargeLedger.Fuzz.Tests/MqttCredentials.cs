using System.Text;

namespace ChargeLedger.Fuzz.Tests;

/// <summary>The broker account tests connect with (<c>eng/services env</c>), or none when the broker allows anonymous clients.</summary>
public static class MqttCredentials
{
    // TestServices falls back to the accounts eng/services generated when the environment has none.
    public static string? Username => TestSupport.TestServices.MqttUsername;

    public static string? Password => TestSupport.TestServices.MqttPassword;

    public static byte[]? PasswordBytes => Password is { } password ? Encoding.UTF8.GetBytes(password) : null;
}
