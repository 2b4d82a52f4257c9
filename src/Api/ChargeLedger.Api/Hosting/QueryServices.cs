using ChargeLedger.Read.AuditTrail;
using ChargeLedger.Read.Complaints;
using ChargeLedger.Read.Ledger;
using ChargeLedger.Read.EnergyAudit;
using ChargeLedger.Read.LiveStatus;
using ChargeLedger.Read.StreamHeads;
using ChargeLedger.Read.Transactions;
using Npgsql;

namespace ChargeLedger.Api.Hosting;

/// <summary>The read-model queries (src/Read) the endpoints call.</summary>
public static class QueryServices
{
    public static IServiceCollection AddChargeLedgerQueries(this IServiceCollection services)
    {
        services.AddSingleton<StreamHeadsQuery>();
        services.AddSingleton(sp => new LiveStatusQuery(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<TransactionsQuery>();
        services.AddSingleton<AuditTrailQuery>();
        services.AddSingleton(sp => new EnergyAuditQuery(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<LedgerQuery>();
        services.AddSingleton<CdrsQuery>();
        services.AddSingleton<ComplaintsQuery>();
        return services;
    }
}
