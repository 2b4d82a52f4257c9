using System.Text;

namespace ChargeLedger.Domain.Shared;

/// <summary>
/// Raw message bytes as evidence in an event: the text itself when it is valid UTF-8 without NUL characters
/// (which PostgreSQL jsonb cannot store), otherwise base64.
/// </summary>
public static class RawPayload
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (string Text, string Encoding) Encode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) < 0)
        {
            try
            {
                return (Strict.GetString(bytes), Utf8);
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-8: fall through to base64 so no byte is lost.
            }
        }

        return (Convert.ToBase64String(bytes), Base64);
    }

    public static byte[] Decode(string text, string encoding) =>
        encoding == Base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
}
