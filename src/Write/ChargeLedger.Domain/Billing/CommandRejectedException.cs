namespace ChargeLedger.Domain.Billing;

/// <summary>
/// A command broke a business rule. <see cref="Field"/> names the input at fault so the API can
/// return a ProblemDetails pointing at it; nothing was decided, no event was produced.
/// </summary>
public sealed class CommandRejectedException(string field, string reason)
    : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}
