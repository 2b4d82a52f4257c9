using ChargeLedger.Domain.Billing.Ocpi;

namespace ChargeLedger.Projections.Ledger;

/// <summary>
/// Who issues the CDRs (OCPI party) and the location details the domain does not model. Locations are not event-sourced
/// yet, so a CDR's location is named after the charge point with placeholder address fields and the configured country.
/// </summary>
public sealed record CdrIssuer(
    string CountryCode = "DE",
    string PartyId = "CLG",
    string LocationCountry = "DEU",
    string ConnectorStandard = "IEC_62196_T2",
    string ConnectorFormat = "SOCKET",
    string ConnectorPowerType = "AC_3_PHASE")
{
    public static CdrIssuer Default { get; } = new();

    internal CdrContext Context(string cdrId, LedgerSession session, string billingAccount) => new(
        CountryCode, PartyId, cdrId, session.SessionId,
        new CdrToken(CountryCode, PartyId, session.IdTag, TokenType.Rfid, billingAccount),
        AuthMethod.AuthRequest, null,
        new CdrLocation(
            session.ChargePointId, null, "unknown", "unknown", null, null, LocationCountry, new GeoLocation("0.000000", "0.000000"),
            $"{session.ChargePointId}*{session.ConnectorId}", $"{CountryCode}*{PartyId}*E{session.ChargePointId}*{session.ConnectorId}",
            session.ConnectorId.ToString(System.Globalization.CultureInfo.InvariantCulture), ConnectorStandard, ConnectorFormat, ConnectorPowerType));
}
