using NodaTime;

namespace ChargeLedger.Read.EnergyAudit;

/// <summary>
/// The site time zone of each charge point, from configuration (charge point id → tzdb id); UTC when not configured.
/// Local days are cut with it at query time.
/// </summary>
public sealed class SiteTimeZones(IReadOnlyDictionary<string, string>? zoneIdsByChargePoint = null, string defaultZoneId = "UTC")
{
    public DateTimeZone For(string chargePointId) =>
        DateTimeZoneProviders.Tzdb[zoneIdsByChargePoint is not null && zoneIdsByChargePoint.TryGetValue(chargePointId, out var id) ? id : defaultZoneId];
}

/// <summary>
/// The energy of one charge point on one local day. <see cref="MeteredWh"/> = the sum over connectors of (last − first register
/// reading of the day) and splits exactly into <see cref="InSessionWh"/> (between two readings of the same session),
/// <see cref="BetweenSessionsWh"/> (idle consumption and gaps: from a session's end or a reading without transaction to the
/// next) and <see cref="OrphanWh"/> (steps touching a reading of an orphan transaction). <see cref="BilledWh"/> is the energy of
/// the sessions stopped that day; <see cref="DifferenceWh"/> = metered − billed, explained in <see cref="Explanation"/>.
/// </summary>
public sealed record EnergyDay(
    string ChargePointId,
    LocalDate Date,
    string TimeZone,
    Instant From,
    Instant To,
    long MeteredWh,
    decimal MeteredKWh,
    long BilledWh,
    decimal BilledKWh,
    long DifferenceWh,
    long InSessionWh,
    long BetweenSessionsWh,
    long OrphanWh,
    IReadOnlyList<ConnectorRegister> Connectors,
    IReadOnlyList<SessionEnergy> Sessions,
    int OrphanReadings,
    IReadOnlyList<string> Explanation);

/// <summary>A connector's first and last register reading of the day (connector 0 is the main meter, not added when outlets report).</summary>
public sealed record ConnectorRegister(int ConnectorId, long FirstWh, Instant FirstAt, long LastWh, Instant LastAt, long DeltaWh, int Readings, bool CountedInMetered);

/// <summary>A session stopped or started that day; <see cref="Billed"/> when it stopped that day.</summary>
public sealed record SessionEnergy(int TransactionId, int ConnectorId, Instant StartedAt, Instant? StoppedAt, long MeterStartWh, long? MeterStopWh, long? EnergyWh, bool Billed);
