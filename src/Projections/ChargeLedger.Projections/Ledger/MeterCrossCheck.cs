using System.Globalization;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Compares the billed register delta (meterStop − meterStart) with the Transaction.Begin/End samples and the periodic
/// register samples. The delta stays authoritative; a disagreement becomes a note on the session for auditors.
/// </summary>
internal static class MeterCrossCheck
{
    public static string? Check(long meterStart, long meterStop, IEnumerable<SessionSample> samples)
    {
        var notes = new List<string>();
        foreach (var sample in samples)
        {
            if (sample.Context == "Transaction.Begin" && sample.RegisterWh != meterStart)
                notes.Add(Note($"Transaction.Begin register {sample.RegisterWh} Wh differs from meterStart {meterStart} Wh"));
            else if (sample.Context == "Transaction.End" && sample.RegisterWh != meterStop)
                notes.Add(Note($"Transaction.End register {sample.RegisterWh} Wh differs from meterStop {meterStop} Wh"));
            else if (sample.RegisterWh < meterStart || sample.RegisterWh > meterStop)
                notes.Add(Note($"{sample.Context} register {sample.RegisterWh} Wh at {sample.At} outside [{meterStart}, {meterStop}] Wh"));
        }
        return notes.Count == 0 ? null : string.Join("; ", notes.Distinct());
    }

    private static string Note(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
