using ChargeLedger.Projections.AuditTrail;
using ChargeLedger.Projections.Complaints;
using ChargeLedger.Projections.EnergyAudit;
using ChargeLedger.Projections.Ledger;
using ChargeLedger.Projections.LiveStatus;
using ChargeLedger.Projections.StreamHeads;
using ChargeLedger.Projections.Transactions;

namespace ChargeLedger.Projections;

/// <summary>Every read model of ChargeLedger: the set the Projector host runs by default. Add new projections here.</summary>
public static class ProjectionCatalog
{
    public static ProjectionRegistry CreateDefault() => new(
    [
        new StreamHeadsProjection(),
        new LiveStatusProjection(),
        new TransactionsProjection(),
        new AuditTrailProjection(),
        new EnergyAuditProjection(),
        new BillingLedgerProjection(),
        new ComplaintsProjection(),
    ]);
}
