using System.Collections.Frozen;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Transactions;

namespace ChargeLedger.Projections.Transactions;

/// <summary>
/// Sessions with their start/stop facts (device and received times), anomalies, every meter reading and the
/// orphan stops that could not be attached. Each batch is one multi-row statement (or binary COPY) per table.
/// </summary>
public sealed class TransactionsProjection : IProjection
{
    private static readonly FrozenSet<string> SessionFactTypes = DecodedEvent.TypeNames(
        typeof(TransactionStarted), typeof(TransactionStopped), typeof(TransactionAnomalyDetected), typeof(OrphanStopRecorded));

    private static readonly FrozenSet<string> MeterValueTypes = DecodedEvent.TypeNames(typeof(MeterValuesRecorded));

    public string Name => TransactionsTables.ProjectionName;

    public int Version => 1;

    public bool DefersIndexesOnRebuild => true;

    /// <summary>Reads nothing of an event's metadata.</summary>
    public bool ReadsMetadata => false;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{TransactionsTables.Transactions} (
            transaction_id    integer     PRIMARY KEY,
            charge_point_id   text        NOT NULL,
            connector_id      integer     NOT NULL,
            id_tag            text        NOT NULL,
            id_tag_status     text        NOT NULL,
            started_at        timestamptz NOT NULL,  -- device time
            start_received_at timestamptz NOT NULL,
            meter_start_wh    bigint      NOT NULL,
            stopped_at        timestamptz,           -- device time
            stop_received_at  timestamptz,
            meter_stop_wh     bigint,
            energy_wh         bigint,
            stop_reason       text,
            stop_id_tag       text,
            status            text        NOT NULL,
            start_position    bigint      NOT NULL,
            stop_position     bigint);
        CREATE INDEX ON {schema}.{TransactionsTables.Transactions} (charge_point_id, transaction_id);
        CREATE INDEX ON {schema}.{TransactionsTables.Transactions} (upper(id_tag), transaction_id);
        CREATE TABLE {schema}.{TransactionsTables.Anomalies} (
            position       bigint      PRIMARY KEY,
            transaction_id integer     NOT NULL,
            kind           text        NOT NULL,
            detail         text        NOT NULL,
            reading_wh     bigint,
            reference_wh   bigint,
            device_time    timestamptz,
            received_at    timestamptz NOT NULL);
        CREATE INDEX ON {schema}.{TransactionsTables.Anomalies} (transaction_id);
        CREATE TABLE {schema}.{TransactionsTables.MeterValues} (
            position       bigint      NOT NULL,
            sample_index   integer     NOT NULL,
            stream_version bigint      NOT NULL,
            transaction_id integer     NOT NULL,
            connector_id   integer     NOT NULL,
            source         text        NOT NULL,
            device_time    timestamptz NOT NULL,
            received_at    timestamptz NOT NULL,
            measurand      text        NOT NULL,
            context        text        NOT NULL,
            phase          text,
            location       text        NOT NULL,
            unit           text        NOT NULL,
            format         text        NOT NULL,
            raw_value      text        NOT NULL,
            number         numeric,
            energy_wh      bigint,
            PRIMARY KEY (position, sample_index));
        CREATE INDEX ON {schema}.{TransactionsTables.MeterValues} (transaction_id, device_time);
        CREATE TABLE {schema}.{TransactionsTables.OrphanStops} (
            position        bigint      PRIMARY KEY,
            charge_point_id text        NOT NULL,
            transaction_id  integer     NOT NULL,  -- as the charge point reported it
            orphan_reason   text        NOT NULL,
            meter_stop_wh   bigint      NOT NULL,
            stopped_at      timestamptz NOT NULL,
            received_at     timestamptz NOT NULL,
            id_tag          text,
            stop_reason     text,
            sample_count    integer     NOT NULL);
        CREATE INDEX ON {schema}.{TransactionsTables.OrphanStops} (charge_point_id, stopped_at);
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT 'tx:' || t.transaction_id AS key,
               concat_ws(' ', t.status, t.meter_start_wh, t.meter_stop_wh, t.energy_wh, t.started_at, t.stopped_at, t.stop_reason,
                         (SELECT count(*) FROM {schema}.{TransactionsTables.Anomalies} a WHERE a.transaction_id = t.transaction_id),
                         (SELECT count(*) || '/' || coalesce(max(m.energy_wh), -1) FROM {schema}.{TransactionsTables.MeterValues} m WHERE m.transaction_id = t.transaction_id)) AS value
        FROM {schema}.{TransactionsTables.Transactions} t
        UNION ALL
        SELECT 'orphan-stop:' || position, concat_ws(' ', charge_point_id, transaction_id, meter_stop_wh, stopped_at)
        FROM {schema}.{TransactionsTables.OrphanStops}
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // Meter values are most of the log and most of the decoding: they are decoded on every core while the session
        // rows are written (server work), and copied once both are done.
        var meterValues = Task.Run(() => DecodedEvent.DecodeOnAllCores(batch, MeterValueTypes), cancellationToken);
        try
        {
            await WriteSessionFactsAsync(batch, context, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The decoding still reads the batch: let it finish before the failure leaves this call.
            await ((Task)meterValues).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        var readings = new List<Reading>();
        foreach (var (recorded, domainEvent) in await meterValues.ConfigureAwait(false))
        {
            var values = (MeterValuesRecorded)domainEvent;
            for (var i = 0; i < values.Samples.Count; i++)
            {
                readings.Add(new Reading(recorded, i, values, values.Samples[i]));
            }
        }
        if (readings.Count > 0)
        {
            await InsertReadingsAsync(readings, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts, stops, anomalies and orphan stops: few events, decoded in commit order.</summary>
    private static async Task WriteSessionFactsAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var starts = new List<(long Position, TransactionStarted Event)>();
        var stops = new List<(long Position, TransactionStopped Event)>();
        var anomalies = new List<(long Position, TransactionAnomalyDetected Event)>();
        var orphanStops = new List<(long Position, OrphanStopRecorded Event)>();
        foreach (var (recorded, domainEvent) in DecodedEvent.Decode(batch, SessionFactTypes))
        {
            switch (domainEvent)
            {
                case TransactionStarted started:
                    starts.Add((recorded.Position, started));
                    break;
                case TransactionStopped stopped:
                    stops.Add((recorded.Position, stopped));
                    break;
                case TransactionAnomalyDetected anomaly:
                    anomalies.Add((recorded.Position, anomaly));
                    break;
                case OrphanStopRecorded orphan:
                    orphanStops.Add((recorded.Position, orphan));
                    break;
            }
        }
        // Order matters within the batch: a stop or anomaly may refer to a start of the same batch.
        if (starts.Count > 0)
        {
            await InsertStartsAsync(starts, context, cancellationToken).ConfigureAwait(false);
        }
        if (stops.Count > 0)
        {
            await UpdateStopsAsync(stops, context, cancellationToken).ConfigureAwait(false);
        }
        if (anomalies.Count > 0)
        {
            await InsertAnomaliesAsync(anomalies, context, cancellationToken).ConfigureAwait(false);
        }
        if (orphanStops.Count > 0)
        {
            await InsertOrphanStopsAsync(orphanStops, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task InsertStartsAsync(List<(long Position, TransactionStarted Event)> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            INSERT INTO {context.Table(TransactionsTables.Transactions)}
                (transaction_id, charge_point_id, connector_id, id_tag, id_tag_status, started_at, start_received_at, meter_start_wh, status, start_position)
            SELECT t, cp, c, tag, tag_status, at, received, meter, '{TransactionStatuses.Active}', p
            FROM unnest($1::integer[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::bigint[], $9::bigint[])
                AS u(t, cp, c, tag, tag_status, at, received, meter, p)
            ON CONFLICT (transaction_id) DO NOTHING
            """);
        command.Ints(rows, r => r.Event.TransactionId)
            .Texts(rows, r => r.Event.ChargePointId)
            .Ints(rows, r => r.Event.ConnectorId)
            .Texts(rows, r => r.Event.IdTag)
            .Texts(rows, r => r.Event.IdTagInfo.Status.ToString())
            .Times(rows, r => r.Event.DeviceTime)
            .Times(rows, r => r.Event.ReceivedAt)
            .Longs(rows, r => r.Event.MeterStart)
            .Longs(rows, r => r.Position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpdateStopsAsync(List<(long Position, TransactionStopped Event)> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            UPDATE {context.Table(TransactionsTables.Transactions)} AS t SET
                stopped_at = u.at, stop_received_at = u.received, meter_stop_wh = u.meter, energy_wh = u.energy,
                stop_reason = u.reason, stop_id_tag = u.tag, status = '{TransactionStatuses.Completed}', stop_position = u.p
            FROM unnest($1::integer[], $2::timestamptz[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bigint[])
                AS u(t, at, received, meter, energy, reason, tag, p)
            WHERE t.transaction_id = u.t
            """);
        command.Ints(rows, r => r.Event.TransactionId)
            .Times(rows, r => r.Event.DeviceTime)
            .Times(rows, r => r.Event.ReceivedAt)
            .Longs(rows, r => r.Event.MeterStop)
            .Longs(rows, r => r.Event.EnergyWh)
            .Texts(rows, r => r.Event.Reason)
            .Texts(rows, r => r.Event.IdTag)
            .Longs(rows, r => r.Position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertAnomaliesAsync(List<(long Position, TransactionAnomalyDetected Event)> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        await using (var command = context.CreateCommand($"""
            INSERT INTO {context.Table(TransactionsTables.Anomalies)}
                (position, transaction_id, kind, detail, reading_wh, reference_wh, device_time, received_at)
            SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::timestamptz[])
            """))
        {
            command.Longs(rows, r => r.Position)
                .Ints(rows, r => r.Event.TransactionId)
                .Texts(rows, r => r.Event.Kind.ToString())
                .Texts(rows, r => r.Event.Detail)
                .Longs(rows, r => r.Event.ReadingWh)
                .Longs(rows, r => r.Event.ReferenceWh)
                .Times(rows, r => r.Event.DeviceTime)
                .Times(rows, r => r.Event.ReceivedAt);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        // A session whose stop never came is marked as such until a (late) stop completes it.
        var stopMissing = rows.Where(r => r.Event.Kind == AnomalyKind.StopMissing).Select(r => (int?)r.Event.TransactionId).ToList();
        if (stopMissing.Count > 0)
        {
            await using var update = context.CreateCommand($"""
                UPDATE {context.Table(TransactionsTables.Transactions)} SET status = '{TransactionStatuses.StopMissing}'
                WHERE status = '{TransactionStatuses.Active}' AND transaction_id = ANY($1::integer[])
                """);
            await update.Ints(stopMissing, t => t).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task InsertReadingsAsync(List<Reading> rows, ProjectionContext context, CancellationToken cancellationToken) =>
        CopyRows.WriteAsync(context, TransactionsTables.MeterValues,
            "position, sample_index, stream_version, transaction_id, connector_id, source, device_time, received_at, measurand, context, " +
            "phase, location, unit, format, raw_value, number, energy_wh",
            rows,
            async (w, r, ct) =>
            {
                await w.ColumnAsync(r.Recorded.Position, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Index, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Recorded.StreamVersion, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Event.TransactionId, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Event.ConnectorId, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Event.Source.ToString(), ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Timestamp, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Event.ReceivedAt, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Measurand, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Context, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Phase, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Location, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Unit, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Format, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Value, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.Number, ct).ConfigureAwait(false);
                await w.ColumnAsync(r.Sample.EnergyWh, ct).ConfigureAwait(false);
            },
            cancellationToken);

    private static async Task InsertOrphanStopsAsync(List<(long Position, OrphanStopRecorded Event)> rows, ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            INSERT INTO {context.Table(TransactionsTables.OrphanStops)}
                (position, charge_point_id, transaction_id, orphan_reason, meter_stop_wh, stopped_at, received_at, id_tag, stop_reason, sample_count)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::bigint[], $6::timestamptz[], $7::timestamptz[],
                                 $8::text[], $9::text[], $10::integer[])
            """);
        command.Longs(rows, r => r.Position)
            .Texts(rows, r => r.Event.ChargePointId)
            .Ints(rows, r => r.Event.TransactionId)
            .Texts(rows, r => r.Event.OrphanReason.ToString())
            .Longs(rows, r => r.Event.MeterStop)
            .Times(rows, r => r.Event.DeviceTime)
            .Times(rows, r => r.Event.ReceivedAt)
            .Texts(rows, r => r.Event.IdTag)
            .Texts(rows, r => r.Event.Reason)
            .Ints(rows, r => r.Event.Samples.Count);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private readonly record struct Reading(RecordedEvent Recorded, int Index, MeterValuesRecorded Event, RecordedSample Sample);
}
