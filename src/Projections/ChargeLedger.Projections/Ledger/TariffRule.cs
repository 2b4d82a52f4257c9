using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Which tariff prices a session. The domain does not assign tariffs to charge points, so one tariff applies network-wide:
/// the tariff with id <see cref="DefaultTariffId"/> when it was ever published, otherwise the only tariff when exactly one
/// exists. Of that tariff, the version valid at the session's start (device time) is used. Anything else leaves the
/// session unpriced with the reason.
/// </summary>
internal static class TariffRule
{
    public const string DefaultTariffId = "default";

    public static (TariffDefinition? Tariff, string? UnpricedReason) Select(IReadOnlyDictionary<string, TariffState> tariffs, Instant sessionStart)
    {
        var published = tariffs.Where(t => t.Value.Versions.Count > 0).ToList();
        string tariffId;
        if (tariffs.TryGetValue(DefaultTariffId, out var fallback) && fallback.Versions.Count > 0)
            tariffId = DefaultTariffId;
        else if (published.Count == 1)
            tariffId = published[0].Key;
        else
            return (null, published.Count == 0
                ? "no tariff published"
                : $"{published.Count} tariffs published and none with id '{DefaultTariffId}': no rule picks one");

        var state = tariffs[tariffId];
        if (state.VersionAt(sessionStart) is { } version)
            return (version, null);
        return (null, state.WithdrawnFrom is { } withdrawn && sessionStart >= withdrawn
            ? $"tariff '{tariffId}' withdrawn from {withdrawn} (session started {sessionStart})"
            : $"tariff '{tariffId}' has no version valid at the session start {sessionStart}");
    }
}
