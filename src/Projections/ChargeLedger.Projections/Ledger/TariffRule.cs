using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Which tariff prices a session: the tariff assigned at the session's start (device time) to its charge point, else to
/// the group it was in then, else to the site it was at then (<see cref="TariffResolution"/>), when there is one. Otherwise the tariff with id <see cref="DefaultTariffId"/> when it was ever published, or the only
/// tariff when exactly one exists. Of that tariff, the version valid at the session's start is used. Anything else
/// leaves the session unpriced with the reason; an assigned tariff without a valid version never falls back, since
/// pricing with another tariff than the one assigned would bill the wrong price silently.
/// </summary>
internal static class TariffRule
{
    public const string DefaultTariffId = "default";

    public static (TariffDefinition? Tariff, string? UnpricedReason) Select(
        IReadOnlyDictionary<string, TariffState> tariffs, string? assignedTariffId, Instant sessionStart)
    {
        string tariffId;
        if (assignedTariffId is not null)
            tariffId = assignedTariffId;
        else if (tariffs.TryGetValue(DefaultTariffId, out var fallback) && fallback.Versions.Count > 0)
            tariffId = DefaultTariffId;
        else
        {
            var published = tariffs.Where(t => t.Value.Versions.Count > 0).ToList();
            if (published.Count != 1)
                return (null, published.Count == 0
                    ? "no tariff published"
                    : $"{published.Count} tariffs published, none assigned to the charge point, its group or its site and none with id '{DefaultTariffId}': no rule picks one");
            tariffId = published[0].Key;
        }

        var state = tariffs.GetValueOrDefault(tariffId) ?? TariffState.Initial;
        if (state.VersionAt(sessionStart) is { } version)
            return (version, null);
        return (null, state.WithdrawnFrom is { } withdrawn && sessionStart >= withdrawn
            ? $"tariff '{tariffId}' withdrawn from {withdrawn} (session started {sessionStart})"
            : $"tariff '{tariffId}' has no version valid at the session start {sessionStart}");
    }
}
