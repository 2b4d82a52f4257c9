namespace ChargeLedger.Gateway.Hosting;

public static class ChargePointIdentity
{
    /// <summary>The EMQX refusal reason for an identity, or null when it can be a client id and a topic level.</summary>
    public static string? Validate(string identity, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Length == 0)
        {
            return "clientid_cannot_be_empty";
        }
        if (identity.AsSpan().IndexOfAny("/+#") >= 0 || identity.Contains('\0', StringComparison.Ordinal))
        {
            return "unsupported_clientid";
        }
        return identity.Length > maxLength ? "clientid_too_long" : null;
    }
}
