using System.Globalization;
using ChargeLedger.Api.Commands;
using ChargeLedger.Api.Contracts;
using ChargeLedger.Api.Http;
using ChargeLedger.Api.Problems;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Tariffs;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChargeLedger.Api.Endpoints;

/// <summary>Publishing tariff versions (stream <c>tariff-{id}</c>); published versions are never edited.</summary>
public static class TariffEndpoints
{
    private static readonly string[] TimeFormats = ["HH:mm", "HH:mm:ss"];

    public static string StreamId(string tariffId) => StreamIds.Tariff(tariffId);

    public static async Task<Results<Created<TariffView>, Ok<TariffView>>> PublishAsync(
        PublishTariffRequest request, HttpContext http, CommandWriter writer, IClock clock, CancellationToken cancellationToken)
    {
        var tariff = ToDefinition(request);
        var now = clock.GetCurrentInstant();
        var write = await writer.DecideAsync(StreamId(tariff.TariffId), TariffState.Fold,
            state => [.. TariffDecider.Decide(new PublishTariff(tariff, now), state)],
            CommandMetadata.For(http, now), cancellationToken).ConfigureAwait(false);
        var view = View(tariff, write.Events.Count > 0);
        return write.Events.Count > 0 ? TypedResults.Created((string?)null, view) : TypedResults.Ok(view);
    }

    private static TariffDefinition ToDefinition(PublishTariffRequest r) => new(
        ApiInput.Required(r.TariffId, "tariffId"),
        ApiInput.Instant(ApiInput.Required(r.ValidFrom, "validFrom"), "validFrom")!.Value,
        ApiInput.Required(r.Currency, "currency"),
        Price(r.PricePerKwh, "pricePerKwh"),
        Price(r.PricePerChargingMinute ?? 0, "pricePerChargingMinute"),
        Price(r.PricePerParkingMinute ?? 0, "pricePerParkingMinute"),
        r.ParkingGraceMinutes ?? 0,
        Price(r.SessionFee ?? 0, "sessionFee"),
        r.MinimumPrice,
        r.MaximumPrice,
        r.VatRatePercent ?? throw new ApiInputException("vatRatePercent", "'vatRatePercent' is required."),
        ApiInput.Required(r.TimeZoneId, "timeZoneId"),
        [.. (r.Bands ?? []).Select((b, i) => Band(b, $"bands[{i}]"))]);

    private static TariffBand Band(TariffBandInput b, string field) => new(
        ApiInput.Required(b.Name, field + ".name"),
        Time(b.Start, field + ".start"),
        Time(b.End, field + ".end"),
        Price(b.PricePerKwh, field + ".pricePerKwh"),
        Price(b.PricePerChargingMinute ?? 0, field + ".pricePerChargingMinute"),
        b.DaysOfWeek is null ? null : [.. b.DaysOfWeek.Select((d, i) => ApiInput.Enum<IsoDayOfWeek>(d, $"{field}.daysOfWeek[{i}]"))]);

    private static decimal Price(decimal? value, string field) =>
        value ?? throw new ApiInputException(field, $"'{field}' is required.");

    private static TimeOnly Time(string? value, string field) =>
        TimeOnly.TryParseExact(ApiInput.Required(value, field), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new ApiInputException(field, $"'{value}' is not a local time of day (HH:mm).");

    private static TariffView View(TariffDefinition t, bool changed)
    {
        Money M(decimal amount) => Money.Of(amount, t.Currency);
        return new TariffView(
            t.TariffId, t.ValidFrom, t.Currency, M(t.PricePerKwh), M(t.PricePerChargingMinute), M(t.PricePerParkingMinute),
            t.ParkingGraceMinutes, M(t.SessionFee), t.MinimumPrice is { } min ? M(min) : null, t.MaximumPrice is { } max ? M(max) : null,
            t.VatRatePercent.ToString(CultureInfo.InvariantCulture), t.TimeZoneId,
            [.. t.Bands.Select(b => new TariffBandView(b.Name, b.Start.ToString("HH:mm", CultureInfo.InvariantCulture), b.End.ToString("HH:mm", CultureInfo.InvariantCulture),
                M(b.PricePerKwh), M(b.PricePerChargingMinute), [.. (b.DaysOfWeek ?? []).Select(d => d.ToString())]))],
            changed);
    }
}
