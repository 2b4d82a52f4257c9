using System.Text;

namespace ChargeLedger.Gateway.Security;

/// <summary>An HTTP Basic <c>Authorization</c> header (OCPP security profiles 1 and 2).</summary>
public readonly record struct BasicCredentials(string Username, string Password)
{
    public static bool TryParse(string? header, out BasicCredentials credentials)
    {
        credentials = default;
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }
        credentials = new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
        return true;
    }
}
