namespace ChargeLedger.Domain.Shared;

/// <summary>Stream naming. Every event says which stream it belongs to through its marker interface (<see cref="For"/>).</summary>
public static class StreamIds
{
    public static string ChargePoint(string chargePointId) => "chargepoint-" + chargePointId;

    public static string Transaction(int transactionId) => "transaction-" + transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>OCPP idTags are case-insensitive (CiString20): the stream id uses the upper-case form.</summary>
    public static string IdTag(string idTag) => "idtag-" + IdTagKey(idTag);

    public static string Orphans(string chargePointId) => "orphans-" + chargePointId;

    public static string Tariff(string tariffId) => "tariff-" + tariffId;

    public static string TariffAssignments(string chargePointId) => "tariffassignment-" + chargePointId;

    public static string Complaint(string complaintId) => "complaint-" + complaintId;

    public static string Site(string siteId) => "site-" + siteId;

    public static string ChargePointGroup(string groupId) => "chargepointgroup-" + groupId;

    public static string Membership(string chargePointId) => "membership-" + chargePointId;

    /// <summary>Rejected messages whose charge point could not be read from the topic.</summary>
    public const string UnroutableRejections = "rejected-unroutable";

    public static string IdTagKey(string idTag) => idTag.ToUpperInvariant();

    /// <summary>The stream an event is appended to; null for objects that are not domain events of these aggregates.</summary>
    public static string? For(object @event) => @event switch
    {
        IChargePointEvent e => e.ChargePointId is { Length: > 0 } cid ? ChargePoint(cid) : UnroutableRejections,
        ITransactionEvent e => Transaction(e.TransactionId),
        IIdTagEvent e => IdTag(e.IdTag),
        IOrphanEvent e => Orphans(e.ChargePointId),
        Tariffs.ITariffEvent e => Tariff(e.TariffId),
        Tariffs.ITariffAssignmentEvent e => TariffAssignments(e.ChargePointId),
        Complaints.IComplaintEvent e => Complaint(e.ComplaintId),
        Sites.ISiteEvent e => Site(e.SiteId),
        Sites.IChargePointGroupEvent e => ChargePointGroup(e.GroupId),
        Sites.IMembershipEvent e => Membership(e.ChargePointId),
        _ => null,
    };
}
