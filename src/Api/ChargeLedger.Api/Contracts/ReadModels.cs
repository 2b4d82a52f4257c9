using System.Text.Json;
using ChargeLedger.Read.Ledger;
using ChargeLedger.Read.Transactions;
using NodaTime;

namespace ChargeLedger.Api.Contracts;

/// <summary>
/// A charging session as billing and support see it. Times without "Received" are the charge point's clock;
/// <see cref="Cost"/> is null until the session is priced.
/// </summary>
public sealed record TransactionResponse(
    int TransactionId,
    string ChargePointId,
    int ConnectorId,
    string IdTag,
    string IdTagStatus,
    Instant StartedAt,
    Instant StartReceivedAt,
    Instant? StoppedAt,
    Instant? StopReceivedAt,
    long MeterStartWh,
    long? MeterStopWh,
    long? EnergyWh,
    Energy? Energy,
    string Status,
    string? StopReason,
    string? StopIdTag,
    TransactionCost? Cost,
    IReadOnlyList<TransactionAnomaly> Anomalies)
{
    public static TransactionResponse From(TransactionView t, TransactionCost? cost) => new(
        t.TransactionId, t.ChargePointId, t.ConnectorId, t.IdTag, t.IdTagStatus, t.StartedAt, t.StartReceivedAt, t.StoppedAt, t.StopReceivedAt,
        t.MeterStartWh, t.MeterStopWh, t.EnergyWh, t.EnergyWh is { } wh ? Contracts.Energy.Of(wh) : null, t.Status, t.StopReason, t.StopIdTag,
        cost, t.Anomalies);
}

/// <summary>
/// What the session costs (<see cref="Status"/> open, priced or unpriced with the reason): <see cref="Amount"/> incl. VAT,
/// <see cref="Net"/> excl. VAT, <see cref="Vat"/> the tax at <see cref="VatRatePercent"/>; <see cref="Refunded"/> by complaints.
/// </summary>
public sealed record TransactionCost(
    string Status, Money? Amount, Money? Net, Money? Vat, string? VatRatePercent, Money? Refunded, string? TariffId, string? BillingAccount, string? UnpricedReason)
{
    public static TransactionCost From(SessionCost c)
    {
        Money? M(decimal? amount) => amount is { } a && c.Currency is { } currency ? Money.Of(a, currency) : null;
        return new TransactionCost(c.Status, M(c.Total), M(c.Net), M(c.Vat), c.VatRatePercent?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            M(c.Refunded), c.TariffId, c.BillingAccount, c.UnpricedReason);
    }
}

public sealed record MeterValuesResponse(int TransactionId, IReadOnlyList<MeterReading> Items);

public sealed record TrailEventResponse(
    long Position,
    string StreamId,
    long StreamVersion,
    string Type,
    Instant OccurredAt,
    Instant RecordedAt,
    Instant? ReceivedAt,
    JsonElement Data,
    string? Raw,
    string? Sent,
    string? Topic,
    string? OcppMessageId,
    string Hash);

/// <summary>The audit trail of a transaction; <see cref="ChainValid"/> is true when every stream involved verified intact.</summary>
public sealed record TrailResponse(
    int TransactionId, Instant? From, Instant? To, bool ChainValid, IReadOnlyList<StreamVerification> Streams, IReadOnlyList<TrailEventResponse> Events);
