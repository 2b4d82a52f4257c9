using System.Globalization;
using NodaTime;
using Npgsql;

namespace ChargeLedger.Read.EnergyAudit;

/// <summary>
/// Metered register delta against billed sessions per charge point and local day (see <see cref="EnergyDay"/>).
/// The day is cut in the charge point's site zone (<see cref="SiteTimeZones"/>); readings are placed by device time.
/// </summary>
public sealed class EnergyAuditQuery(NpgsqlDataSource dataSource, SiteTimeZones? zones = null)
{
    private readonly SiteTimeZones zones = zones ?? new SiteTimeZones();

    public async Task<EnergyDay> GetDayAsync(string chargePointId, LocalDate date, CancellationToken cancellationToken)
    {
        var zone = zones.For(chargePointId);
        var from = date.AtStartOfDayInZone(zone).ToInstant();
        var to = date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var readings = await ReadingsAsync(connection, chargePointId, from, to, cancellationToken).ConfigureAwait(false);
        var sessions = await SessionsAsync(connection, chargePointId, from, to, cancellationToken).ConfigureAwait(false);

        var connectors = new List<ConnectorRegister>();
        long inSession = 0, between = 0, orphan = 0;
        var byConnector = readings.Where(r => r.ConnectorId is not null).GroupBy(r => r.ConnectorId!.Value).OrderBy(g => g.Key).ToList();
        var outletsReport = byConnector.Any(g => g.Key != 0);
        foreach (var group in byConnector)
        {
            var list = group.ToList();
            var counted = group.Key != 0 || !outletsReport;
            connectors.Add(new ConnectorRegister(group.Key, list[0].Wh, list[0].At, list[^1].Wh, list[^1].At, list[^1].Wh - list[0].Wh, list.Count, counted));
            if (!counted)
            {
                continue;
            }
            for (var i = 1; i < list.Count; i++)
            {
                var (previous, current) = (list[i - 1], list[i]);
                var step = current.Wh - previous.Wh;
                if (previous.TransactionId is { } t && t == current.TransactionId)
                {
                    inSession += step;
                }
                else if (previous.Kind == ReadingKinds.Orphan || current.Kind == ReadingKinds.Orphan)
                {
                    orphan += step;
                }
                else
                {
                    between += step;
                }
            }
        }
        var metered = connectors.Where(c => c.CountedInMetered).Sum(c => c.DeltaWh);
        var billed = sessions.Where(s => s.Billed).Sum(s => s.EnergyWh ?? 0);
        var orphanReadings = readings.Count(r => r.Kind == ReadingKinds.Orphan);
        var explanation = Explain(metered, billed, inSession, between, orphan, orphanReadings, sessions, readings.Count, outletsReport && byConnector.Any(g => g.Key == 0));
        return new EnergyDay(
            chargePointId, date, zone.Id, from, to, metered, metered / 1000m, billed, billed / 1000m, metered - billed,
            inSession, between, orphan, connectors, sessions, orphanReadings, explanation);
    }

    private static List<string> Explain(
        long metered, long billed, long inSession, long between, long orphan, int orphanReadings, IReadOnlyList<SessionEnergy> sessions, int readingCount, bool mainMeterLeftOut)
    {
        var lines = new List<string>();
        if (readingCount == 0)
        {
            lines.Add("No energy register readings this day.");
        }
        lines.Add(Line($"Metered {metered} Wh (last minus first register reading of the day, summed over connectors) = {inSession} Wh inside sessions + {between} Wh between sessions + {orphan} Wh around orphan readings."));
        lines.Add(Line($"Billed {billed} Wh: {sessions.Count(s => s.Billed)} session(s) stopped this day (meterStop - meterStart)."));
        var crossing = inSession - billed;
        if (crossing != 0)
        {
            lines.Add(Line($"{crossing} Wh: session energy metered this day but billed on another day, or billed today but metered on another day (sessions crossing midnight, still active, or without readings today)."));
        }
        if (between != 0)
        {
            lines.Add(Line($"{between} Wh between sessions: idle consumption or energy delivered outside any known session (a gap)."));
        }
        if (orphanReadings > 0)
        {
            lines.Add(Line($"{orphanReadings} orphan reading(s) (transactions we could not attach), {orphan} Wh of register steps touch them."));
        }
        if (mainMeterLeftOut)
        {
            lines.Add("Connector 0 (main meter) readings are listed but not added to the connectors' total.");
        }
        return lines;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<List<RegisterReading>> ReadingsAsync(NpgsqlConnection connection, string chargePointId, Instant from, Instant to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT connector_id, device_time, wh, kind, transaction_id FROM {EnergyAuditTables.LiveReadings}
            WHERE charge_point_id = $1 AND device_time >= $2 AND device_time < $3
            ORDER BY connector_id, device_time, position, sample_index
            """, connection);
        AddWindow(command, chargePointId, from, to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var readings = new List<RegisterReading>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            readings.Add(new RegisterReading(
                reader.Int32OrNull(0), reader.Instant(1), reader.GetInt64(2),
                reader.GetString(3), reader.Int32OrNull(4)));
        }
        return readings;
    }

    private static async Task<List<SessionEnergy>> SessionsAsync(NpgsqlConnection connection, string chargePointId, Instant from, Instant to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT transaction_id, connector_id, started_at, stopped_at, meter_start_wh, meter_stop_wh, energy_wh,
                   stopped_at >= $2 AND stopped_at < $3
            FROM {EnergyAuditTables.LiveSessions}
            WHERE charge_point_id = $1 AND (started_at >= $2 AND started_at < $3 OR stopped_at >= $2 AND stopped_at < $3)
            ORDER BY started_at, transaction_id
            """, connection);
        AddWindow(command, chargePointId, from, to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sessions = new List<SessionEnergy>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(new SessionEnergy(
                reader.GetInt32(0), reader.GetInt32(1), reader.Instant(2),
                reader.InstantOrNull(3), reader.GetInt64(4),
                reader.Int64OrNull(5), reader.Int64OrNull(6),
                !reader.IsDBNull(7) && reader.GetBoolean(7)));
        }
        return sessions;
    }

    private static void AddWindow(NpgsqlCommand command, string chargePointId, Instant from, Instant to)
    {
        command.Parameters.Add(DbValues.Text(chargePointId));
        command.Parameters.Add(DbValues.Time(from));
        command.Parameters.Add(DbValues.Time(to));
    }

    private readonly record struct RegisterReading(int? ConnectorId, Instant At, long Wh, string Kind, int? TransactionId);
}
