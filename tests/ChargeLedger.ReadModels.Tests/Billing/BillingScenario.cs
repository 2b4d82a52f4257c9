using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Tariffs;
using NodaTime;

namespace ChargeLedger.ReadModels.Tests.Billing;

/// <summary>
/// The tariff and back-office events the billing tests share. Tariff "default" (EUR, VAT 19 %, Europe/Berlin):
/// 0.40/kWh and 0.02/min by day, a 22:00–06:00 "night" band at 0.30/kWh and 0.01/min, parking 0.10/min after 15 minutes'
/// grace, 1.00 session fee.
/// </summary>
internal static class BillingScenario
{
    public static readonly Instant TariffFrom = Instant.FromUtc(2026, 1, 1, 0, 0);

    public static TariffDefinition Tariff(decimal pricePerKwh = 0.40m) => new(
        "default", TariffFrom, "EUR", pricePerKwh, 0.02m, 0.10m, 15, 1.00m, null, null, 19m, "Europe/Berlin",
        [new TariffBand("night", new TimeOnly(22, 0), new TimeOnly(6, 0), 0.30m, 0.01m)]);

    public static Message PublishTariff(TariffDefinition? tariff = null) =>
        BillingDatabase.Command(TariffFrom, new TariffPublished(tariff ?? Tariff(), TariffFrom));

    /// <summary>Any tariff published as of its validity start.</summary>
    public static Message Command(TariffDefinition tariff) => BillingDatabase.Command(tariff.ValidFrom, new TariffPublished(tariff, tariff.ValidFrom));

    public static Message LinkTag(string idTag, string account, Instant at) =>
        BillingDatabase.Command(at, new IdTagRegistered(idTag, null, null, null, at), new IdTagLinkedToAccount(idTag, account, at));

    public static Message OpenComplaint(string complaintId, int transactionId, Instant from, Instant to, Instant at) => BillingDatabase.Command(at,
        new ComplaintOpened(complaintId, ComplaintSubjectKind.Transaction, transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            from, to, "charged too much", "support-1", at));

    public static Message Resolve(string complaintId, decimal? refund, Instant at) => BillingDatabase.Command(at,
        new ComplaintResolved(complaintId, "res-1", ComplaintOutcome.Upheld, "goodwill refund", refund, refund is null ? null : "EUR", "support-2", at));
}
