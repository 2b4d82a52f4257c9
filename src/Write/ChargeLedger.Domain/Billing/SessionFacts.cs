using NodaTime;

namespace ChargeLedger.Domain.Billing;

/// <summary>A meter register reading of a session (periodic sample, Begin or End), in Wh.</summary>
public sealed record MeterPoint(Instant At, long RegisterWh);

/// <summary>
/// What pricing needs to know about a finished session. Times are the charge point's (device) times.
/// <see cref="EnergyWh"/> is the authoritative billed energy (meterStop − meterStart). The optional
/// <see cref="EnergyProfile"/> only decides how that energy is split over time (bands); without it the
/// energy is spread evenly over the charging time. <see cref="ParkingPeriods"/> are the times the car
/// was connected but not charging (see <see cref="ParkingDetection"/>); everything else is charging.
/// </summary>
public sealed record SessionFacts(
    Instant Start,
    Instant Stop,
    long EnergyWh,
    IReadOnlyList<MeterPoint>? EnergyProfile = null,
    IReadOnlyList<Interval>? ParkingPeriods = null);
