using System.Collections.Frozen;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.EnergyAudit;
using NodaTime;

namespace ChargeLedger.Projections.EnergyAudit;

/// <summary>
/// Every energy-register reading of every charge point (sessions, meterStart/meterStop, readings without a transaction,
/// orphans) and the sessions' billed energy. Days are cut at query time in the site's time zone, so a changed zone
/// needs no rebuild.
/// </summary>
public sealed class EnergyAuditProjection : IProjection
{
    private static readonly FrozenSet<string> Handled = DecodedEvent.TypeNames(
        typeof(TransactionStarted), typeof(TransactionStopped), typeof(ConnectorReleased), typeof(MeterValuesRecorded),
        typeof(ConnectorMeterValuesRecorded), typeof(OrphanMeterValuesRecorded), typeof(OrphanStopRecorded));

    public string Name => EnergyAuditTables.ProjectionName;

    public int Version => 1;

    public bool DefersIndexesOnRebuild => true;

    /// <summary>Reads nothing of an event's metadata.</summary>
    public bool ReadsMetadata => false;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{EnergyAuditTables.Readings} (
            position                bigint      NOT NULL,
            sample_index            integer     NOT NULL,
            charge_point_id         text        NOT NULL,
            connector_id            integer,              -- unknown for an orphan stop
            device_time             timestamptz NOT NULL,
            wh                      bigint      NOT NULL,
            kind                    text        NOT NULL,
            transaction_id          integer,              -- a session of ours
            reported_transaction_id integer,              -- what an orphan message named
            PRIMARY KEY (position, sample_index));
        CREATE INDEX ON {schema}.{EnergyAuditTables.Readings} (charge_point_id, device_time);
        CREATE TABLE {schema}.{EnergyAuditTables.Sessions} (
            transaction_id  integer     PRIMARY KEY,
            charge_point_id text        NOT NULL,
            connector_id    integer     NOT NULL,
            started_at      timestamptz NOT NULL,
            meter_start_wh  bigint      NOT NULL,
            stopped_at      timestamptz,
            meter_stop_wh   bigint,
            energy_wh       bigint);
        CREATE INDEX ON {schema}.{EnergyAuditTables.Sessions} (charge_point_id, started_at);
        CREATE INDEX ON {schema}.{EnergyAuditTables.Sessions} (charge_point_id, stopped_at);
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT 'readings:' || charge_point_id || '/' || coalesce(connector_id::text, '?') || '/' || kind AS key,
               concat_ws(' ', count(*), sum(wh), min(device_time), max(device_time)) AS value
        FROM {schema}.{EnergyAuditTables.Readings} GROUP BY charge_point_id, connector_id, kind
        UNION ALL
        SELECT 'session:' || transaction_id, concat_ws(' ', charge_point_id, started_at, stopped_at, meter_start_wh, meter_stop_wh, energy_wh)
        FROM {schema}.{EnergyAuditTables.Sessions}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var readings = new List<Reading>();
        var starts = new List<TransactionStarted>();
        var stops = new List<TransactionStopped>();
        foreach (var (recorded, domainEvent) in DecodedEvent.Decode(batch, Handled))
        {
            var position = recorded.Position;
            switch (domainEvent)
            {
                case TransactionStarted e:
                    starts.Add(e);
                    readings.Add(new Reading(position, 0, e.ChargePointId, e.ConnectorId, e.DeviceTime, e.MeterStart, ReadingKinds.Start, e.TransactionId, null));
                    break;
                case TransactionStopped e:
                    stops.Add(e);
                    break;
                case ConnectorReleased e:
                    readings.Add(new Reading(position, 0, e.ChargePointId, e.ConnectorId, e.DeviceTime, e.MeterStop, ReadingKinds.Stop, e.TransactionId, null));
                    break;
                case MeterValuesRecorded e:
                    AddRegisters(readings, position, e.ChargePointId, e.ConnectorId, e.Samples, ReadingKinds.Session, e.TransactionId, null);
                    break;
                case ConnectorMeterValuesRecorded e:
                    AddRegisters(readings, position, e.ChargePointId, e.ConnectorId, e.Samples, ReadingKinds.Connector, null, null);
                    break;
                case OrphanMeterValuesRecorded e:
                    AddRegisters(readings, position, e.ChargePointId, e.ConnectorId, e.Samples, ReadingKinds.Orphan, null, e.TransactionId);
                    break;
                case OrphanStopRecorded e:
                    readings.Add(new Reading(position, 0, e.ChargePointId, null, e.DeviceTime, e.MeterStop, ReadingKinds.Orphan, null, e.TransactionId));
                    AddRegisters(readings, position, e.ChargePointId, null, e.Samples, ReadingKinds.Orphan, null, e.TransactionId, firstIndex: 1);
                    break;
            }
        }
        if (starts.Count > 0)
        {
            await using var command = context.CreateCommand($"""
                INSERT INTO {context.Table(EnergyAuditTables.Sessions)} (transaction_id, charge_point_id, connector_id, started_at, meter_start_wh)
                SELECT * FROM unnest($1::integer[], $2::text[], $3::integer[], $4::timestamptz[], $5::bigint[])
                ON CONFLICT (transaction_id) DO NOTHING
                """);
            command.Ints(starts, s => s.TransactionId).Texts(starts, s => s.ChargePointId).Ints(starts, s => s.ConnectorId)
                .Times(starts, s => s.DeviceTime).Longs(starts, s => s.MeterStart);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (stops.Count > 0)
        {
            await using var command = context.CreateCommand($"""
                UPDATE {context.Table(EnergyAuditTables.Sessions)} AS s SET stopped_at = u.at, meter_stop_wh = u.meter, energy_wh = u.energy
                FROM unnest($1::integer[], $2::timestamptz[], $3::bigint[], $4::bigint[]) AS u(t, at, meter, energy)
                WHERE s.transaction_id = u.t
                """);
            command.Ints(stops, s => s.TransactionId).Times(stops, s => s.DeviceTime).Longs(stops, s => s.MeterStop).Longs(stops, s => s.EnergyWh);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (readings.Count > 0)
        {
            await CopyRows.WriteAsync(context, EnergyAuditTables.Readings,
                "position, sample_index, charge_point_id, connector_id, device_time, wh, kind, transaction_id, reported_transaction_id",
                readings,
                async (w, r, ct) =>
                {
                    await w.ColumnAsync(r.Position, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.SampleIndex, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.ChargePointId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.ConnectorId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.DeviceTime, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Wh, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.Kind, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.TransactionId, ct).ConfigureAwait(false);
                    await w.ColumnAsync(r.ReportedTransactionId, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The whole-meter import register at the outlet (per-phase or inlet registers would count the same energy twice).</summary>
    private static void AddRegisters(
        List<Reading> readings, long position, string chargePointId, int? connectorId, IReadOnlyList<RecordedSample> samples,
        string kind, int? transactionId, int? reportedTransactionId, int firstIndex = 0)
    {
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (sample is { IsImportRegister: true, Phase: null, Location: "Outlet", EnergyWh: { } wh })
            {
                readings.Add(new Reading(position, firstIndex + i, chargePointId, connectorId, sample.Timestamp, wh, kind, transactionId, reportedTransactionId));
            }
        }
    }

    private readonly record struct Reading(
        long Position, int SampleIndex, string ChargePointId, int? ConnectorId, Instant DeviceTime, long Wh, string Kind, int? TransactionId, int? ReportedTransactionId);
}
