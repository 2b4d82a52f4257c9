using ChargeLedger.Domain.Billing;
using ChargeLedger.Domain.Billing.Ocpi;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Read.Ledger;
using NodaTime;

namespace ChargeLedger.Projections.Ledger;

/// <summary>A register reading of a session kept for pricing (the energy profile and the meter cross-check).</summary>
internal sealed record SessionSample(Instant At, long RegisterWh, string Context, long Position);

/// <summary>A connector status with its device time, for parking periods.</summary>
internal sealed record StatusReport(Instant At, string Status, long Position);

/// <summary>What the billing ledger knows about one session while a batch is applied (loaded from, and saved back to, its tables).</summary>
internal sealed class LedgerSession(int transactionId, string chargePointId, int connectorId, string idTag, long meterStart, Instant startedAt, long startPosition)
{
    public int TransactionId { get; } = transactionId;

    public string SessionId { get; } = transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ChargePointId { get; } = chargePointId;

    public int ConnectorId { get; } = connectorId;

    public string IdTag { get; } = idTag;

    public long MeterStart { get; } = meterStart;

    public Instant StartedAt { get; } = startedAt;

    public long StartPosition { get; } = startPosition;

    public Instant? StoppedAt { get; set; }

    public long? MeterStop { get; set; }

    public long? StopPosition { get; set; }

    /// <summary>Fixed at the first pricing, so later account links do not move booked charges.</summary>
    public string? BillingAccount { get; set; }

    public string Status { get; set; } = SessionCostStatuses.Open;

    public string? UnpricedReason { get; set; }

    public string? Discrepancy { get; set; }

    public PricedSummary? Priced { get; set; }

    public List<PostingSet> Posted { get; } = [];

    public Cdr? CurrentCdr { get; set; }

    public int CdrCount { get; set; }

    public List<SessionSample> Samples { get; } = [];

    /// <summary>What the latest pricing that reached the postings was computed from (this process's memory only, never stored).</summary>
    public PricingInputs? LastPricing { get; set; }

    public bool Changed { get; set; }

    public bool Stopped => StoppedAt is not null;
}

/// <summary>A tariff version and the facts of a session priced with it.</summary>
internal sealed record PricingInputs(TariffDefinition Tariff, SessionFacts Facts)
{
    /// <summary>True when pricing <paramref name="facts"/> with <paramref name="tariff"/> would compute exactly what these inputs did.</summary>
    public bool Prices(TariffDefinition tariff, SessionFacts facts) =>
        Equals(Tariff, tariff) && Facts.Start == facts.Start && Facts.Stop == facts.Stop && Facts.EnergyWh == facts.EnergyWh
        && Same(Facts.EnergyProfile, facts.EnergyProfile) && Same(Facts.ParkingPeriods, facts.ParkingPeriods);

    private static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null || b is null ? a is null && b is null : a.SequenceEqual(b);
}

/// <summary>The stored outcome of the latest pricing.</summary>
internal sealed record PricedSummary(string TariffId, Instant TariffValidFrom, string Currency, long EnergyWh, decimal Net, decimal VatRatePercent, decimal Vat, decimal Total, long Position);
