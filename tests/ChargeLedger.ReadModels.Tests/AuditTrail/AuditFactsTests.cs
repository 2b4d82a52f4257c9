using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Read.AuditTrail;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.ReadModels.Tests.AuditTrail;

/// <summary>
/// The audit index reads the facts of its most frequent event types straight from the stored JSON; these cases hold
/// the values that path must still get right as the domain events define them: fractional and missing times, earliest
/// sample, meter values from a stop, idTag case, UniqueIds that JSON escapes.
/// </summary>
public sealed class AuditFactsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 29, 0, 59, 58);

    private sealed record Expected(string Type, Instant OccurredAt, Instant ReceivedAt, string ChargePointId, int? TransactionId, int? ConnectorId, string? IdTag, JsonElement? Sent);

    [Fact]
    public async Task GivenFrequentEventsWithUnusualValues_WhenIndexed_ThenEachRowHoldsTheFactsAndFrameOfItsDomainEvent()
    {
        await using var db = await ReadModelDatabase.CreateAsync("rm_facts");
        const string cp = "CP-F1";
        var escapedUid = "uid <é> & \"quoted\" +1";
        var fractional = T0 + Duration.FromMilliseconds(123);
        var earliest = T0 - Duration.FromMinutes(3);
        var accepted = new IdTagInfo(AuthorizationStatus.Accepted, null, null);
        var cases = new List<(object Event, EventMetadata Metadata, Expected Expected)>
        {
            (new HeartbeatReceived(cp, escapedUid, fractional), Metadata(cp, deviceTime: null, fractional),
                new("HeartbeatReceived", fractional, fractional, cp, null, null, null,
                    Frame(3, escapedUid, new Dictionary<string, object> { ["currentTime"] = InstantPattern.ExtendedIso.Format(fractional) }))),
            (new ConnectorStatusReported(cp, "s1", 2, "Faulted", "GroundFailure", null, null, null, null, T0), Metadata(cp, T0 - Duration.FromSeconds(5), T0),
                new("ConnectorStatusReported", T0 - Duration.FromSeconds(5), T0, cp, null, 2, null, Frame(3, "s1", []))),
            (new ConnectorStatusReported(cp, "s2", 1, "Available", "NoError", null, null, null, fractional, T0), Metadata(cp, null, T0),
                new("ConnectorStatusReported", fractional, T0, cp, null, 1, null, Frame(3, "s2", []))),
            (new MeterValuesRecorded(7, cp, "m1", 1, MeterValuesSource.MeterValues, [Sample(T0), Sample(earliest), Sample(T0 + Duration.FromMinutes(1))], T0), Metadata(cp, T0, T0),
                new("MeterValuesRecorded", earliest, T0, cp, 7, 1, null, Frame(3, "m1", []))),
            (new MeterValuesRecorded(7, cp, "m2", 1, MeterValuesSource.StopTransactionData, [Sample(fractional)], T0), Metadata(cp, T0, T0),
                new("MeterValuesRecorded", fractional, T0, cp, 7, 1, null, null)),
            (new MeterValuesRecorded(7, cp, "m3", 1, MeterValuesSource.MeterValues, [], T0), Metadata(cp, T0 - Duration.FromSeconds(9), T0),
                new("MeterValuesRecorded", T0 - Duration.FromSeconds(9), T0, cp, 7, 1, null, Frame(3, "m3", []))),
            (new TransactionIdAssigned(cp, "t1", 1, 7, "tag-lower", 100, earliest, accepted, T0), Metadata(cp, T0, T0),
                new("TransactionIdAssigned", earliest, T0, cp, 7, 1, "TAG-LOWER", null)),
            (new ConnectorReleased(cp, 1, 7, 900, fractional, T0), Metadata(cp, T0, T0),
                new("ConnectorReleased", fractional, T0, cp, 7, 1, null, null)),
        };
        foreach (var (domainEvent, metadata, _) in cases)
        {
            await db.AppendAsync(new Message([domainEvent], metadata));
        }

        await db.ProjectAsync();

        var rows = new List<Expected>();
        await using (var select = db.DataSource.CreateCommand($"""
            SELECT type, occurred_at, received_at, charge_point_id, transaction_id, connector_id, id_tag, sent::text
            FROM rm_{AuditTrailTables.ProjectionName}.{AuditTrailTables.Events} ORDER BY position
            """))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(new Expected(
                    reader.GetString(0), Instant.FromDateTimeUtc(reader.GetDateTime(1)), Instant.FromDateTimeUtc(reader.GetDateTime(2)), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : JsonDocument.Parse(reader.GetString(7)).RootElement));
            }
        }
        Assert.Equal(cases.Count, rows.Count);
        foreach (var (expected, actual) in cases.Select(c => c.Expected).Zip(rows))
        {
            Assert.Equal(expected with { Sent = null }, actual with { Sent = null });
            Assert.Equal(Describe(expected.Sent), Describe(actual.Sent));
        }
    }

    /// <summary>A frame's values (type, UniqueId unescaped, payload properties), whatever JSON escaping wrote them.</summary>
    private static string? Describe(JsonElement? frame) => frame is not { } f ? null
        : $"{f[0].GetInt32()} {f[1].GetString()} " + string.Join(",", f[2].EnumerateObject().Select(p => $"{p.Name}={p.Value}"));

    private static EventMetadata Metadata(string cp, Instant? deviceTime, Instant receivedAt) =>
        new(Source: "mqtt", Topic: "ocpp/cp/" + cp, ChargePointId: cp, OcppMessageId: "x", DeviceTime: deviceTime, ReceivedAt: receivedAt, Raw: "{}");

    private static RecordedSample Sample(Instant at) =>
        new(at, "1000", RecordedSample.EnergyActiveImportRegister, "Wh", "Sample.Periodic", "Raw", "Outlet", null, 1000, 1000);

    private static JsonElement Frame(int messageType, string uniqueId, Dictionary<string, object> payload) =>
        JsonSerializer.SerializeToElement(new object[] { messageType, uniqueId, payload });
}
