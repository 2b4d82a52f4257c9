using System.Text;
using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.Domain.IdTags;
using ChargeLedger.Domain.Orphans;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Sites;
using ChargeLedger.Domain.Tariffs;
using ChargeLedger.Domain.Transactions;
using NodaTime;
using Xunit;

namespace ChargeLedger.Domain.Tests.Serialization;

public sealed class EventSerializerTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 21, 10, 0, 0) + Duration.FromNanoseconds(123_456_789);
    private static readonly Instant Device = Instant.FromUtc(2026, 11, 18, 23, 59, 59);
    private static readonly IdTagInfo Info = new(AuthorizationStatus.Expired, Device, "PARENT");

    private static readonly RecordedSample[] Samples =
    [
        new(Device, "0.1000000000000000000000000001", "Energy.Active.Import.Register", "kWh", "Transaction.End", "Raw", "Outlet", "L1-N", 0.1000000000000000000000000001m, 100),
        new(Device, "AP/signed", "Energy.Active.Import.Register", "Wh", "Sample.Clock", "SignedData", "Outlet", null, null, null),
    ];

    /// <summary>One instance of every registered event type, with every optional field filled where possible.</summary>
    public static readonly object[] Every =
    [
        new ChargePointRegistered("CP-1", At),
        new ChargePointBooted("CP-1", "u1", "V", "M", "SN", "CB", "FW", "ICC", "IMSI", "MT", "MSN", RegistrationStatus.Rejected, 600, At),
        new ChargePointConnected("CP-1", "ocpp", Device, At),
        new ChargePointDisconnected("CP-1", "sock_closed", null, At),
        new HeartbeatReceived("CP-1", "u2", At),
        new ConnectorStatusReported("CP-1", "u3", 0, "Faulted", "GroundFailure", "info", "ACME", "E1", Device, At),
        new AuthorizationAnswered("CP-1", "u4", "TAG", Info, At),
        new DataTransferReceived("CP-1", "u5", "ACME", "msg", "{\"a\":1}", DataTransferStatus.UnknownVendorId, At),
        new FirmwareStatusReported("CP-1", "u6", "Installed", At),
        new DiagnosticsStatusReported("CP-1", "u7", "UploadFailed", At),
        new ConnectorMeterValuesRecorded("CP-1", "u8", 0, Samples, At),
        new TransactionIdAssigned("CP-1", "u9", 1, 2_147_483_647, "TAG", 910_031_000, Device, Info, At),
        new ConnectorReleased("CP-1", 1, 7, 12_345, Device, At),
        new MessageRejected("", "ocpp/x", "{bad \u00e9", "utf8", "Malformed", "FormatViolation", null, At),
        new RemoteCommandRequested("CP-1", "cmd", "u10", RemoteAction.ChangeAvailability, "{\"connectorId\":0,\"type\":\"Inoperative\"}", "alice", At),
        new RemoteCommandSent("CP-1", "cmd", "u10", At),
        new RemoteCommandReplied("CP-1", "cmd", "u10", "{\"status\":\"Scheduled\"}", At),
        new RemoteCommandFailed("CP-1", "cmd", "u10", "NotSupported", "nope", "{}", At),
        new RemoteCommandTimedOut("CP-1", "cmd", "u10", At),
        new TransactionStarted(7, "CP-1", "u11", 1, "TAG", 5_000, 3, Device, Info, At),
        new MeterValuesRecorded(7, "CP-1", "u12", 1, MeterValuesSource.StopTransactionData, Samples, At),
        new TransactionStopped(7, "CP-1", "u13", 5_000, 4_000, -1_000, Device, null, "DeAuthorized", null, At),
        new TransactionAnomalyDetected(7, "CP-1", "u14", AnomalyKind.MeterStartAboveLastRegister, "jump", 910_031_000, 12, Device, At),
        new OrphanStopRecorded("CP-1", "u15", -1, 17_500, Device, "TAG", "Local", OrphanReason.UnassignedTransactionId, Samples, At),
        new OrphanMeterValuesRecorded("CP-1", "u16", 2, 999, OrphanReason.UnknownTransaction, Samples, At),
        new IdTagRegistered("TAG", "ACC", Device, "PARENT", At),
        new IdTagBlocked("TAG", "lost", At),
        new IdTagUnblocked("TAG", At),
        new IdTagExpired("TAG", Device, At),
        new IdTagLinkedToAccount("TAG", "ACC-2", At),
        new TariffPublished(new TariffDefinition("T-1", Device, "EUR", 0.39m, 0.01m, 0.1m, 15, 0.5m, 1m, 50m, 19m, "Europe/Berlin",
            [new TariffBand("night", new TimeOnly(22, 0), new TimeOnly(6, 0), 0.2m, 0.005m, [IsoDayOfWeek.Friday])]), At),
        new TariffWithdrawn("T-1", Device, "closed", At),
        new TariffAssigned("CP-1", "T-1", Device, "anna", At),
        new SiteRegistered("S-1", "Hamburg Hafen", "Europe/Berlin", "Am Kai 1", "anna", At),
        new SiteTariffAssigned("S-1", "T-1", Device, "anna", At),
        new ChargePointGroupRegistered("motorway-hpc", "Motorway HPC", "anna", At),
        new GroupTariffAssigned("motorway-hpc", "T-1", Device, "anna", At),
        new ChargePointPlacedAtSite("CP-1", "S-1", Device, "anna", At),
        new ChargePointJoinedGroup("CP-1", "motorway-hpc", Device, "anna", At),
        new ChargePointLeftGroup("CP-1", "motorway-hpc", Device, "anna", At),
        new ComplaintOpened("C-1", ComplaintSubjectKind.Transaction, "7", Device, Device, "too much", "anna", At),
        new ComplaintNoteAdded("C-1", "N-1", "called", "anna", At),
        new ComplaintEvidenceAttached("C-1", "E-1", "transaction-7", 3, 42, "stop frame", "anna", At),
        new ComplaintResolved("C-1", "R-1", ComplaintOutcome.Upheld, "refund", 1.19m, "EUR", "anna", At),
        new ComplaintReopened("C-1", "O-1", "again", "ben", At),
    ];

    public static TheoryData<object> Events() => new(Every);

    [Fact]
    public void GivenRegistry_WhenListed_ThenStableNamesAreExactlyThese()
    {
        string[] expected =
        [
            "AuthorizationAnswered", "ChargePointBooted", "ChargePointConnected", "ChargePointDisconnected", "ChargePointGroupRegistered",
            "ChargePointJoinedGroup", "ChargePointLeftGroup", "ChargePointPlacedAtSite", "ChargePointRegistered",
            "ComplaintEvidenceAttached", "ComplaintNoteAdded", "ComplaintOpened", "ComplaintReopened", "ComplaintResolved",
            "ConnectorMeterValuesRecorded", "ConnectorReleased", "ConnectorStatusReported", "DataTransferReceived", "DiagnosticsStatusReported",
            "FirmwareStatusReported", "GroupTariffAssigned", "HeartbeatReceived", "IdTagBlocked", "IdTagExpired", "IdTagLinkedToAccount", "IdTagRegistered",
            "IdTagUnblocked", "MessageRejected", "MeterValuesRecorded", "OrphanMeterValuesRecorded", "OrphanStopRecorded",
            "RemoteCommandFailed", "RemoteCommandReplied", "RemoteCommandRequested", "RemoteCommandSent", "RemoteCommandTimedOut",
            "SiteRegistered", "SiteTariffAssigned",
            "TariffAssigned", "TariffPublished", "TariffWithdrawn",
            "TransactionAnomalyDetected", "TransactionIdAssigned", "TransactionStarted", "TransactionStopped",
        ];

        Assert.Equal(expected, EventTypes.Names.Order(StringComparer.Ordinal));
        Assert.Equal(expected, Every.Select(e => EventSerializer.Serialize(e).Type).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void GivenEvent_WhenSerializedAndDeserialized_ThenSameTypeAndContent(object @event)
    {
        var (type, json) = EventSerializer.Serialize(@event);

        var back = EventSerializer.Deserialize(type, json);

        Assert.NotNull(back);
        Assert.Equal(@event.GetType(), back.GetType());
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(EventSerializer.Serialize(back).Utf8Json));
        Assert.NotNull(StreamIds.For(back));
        if (@event.GetType().GetProperties().All(p => !typeof(System.Collections.IEnumerable).IsAssignableFrom(p.PropertyType) || p.PropertyType == typeof(string)))
        {
            Assert.Equal(@event, back);
        }
    }

    [Fact]
    public void GivenSamples_WhenRoundTripped_ThenEverySampleEqual()
    {
        var (type, json) = EventSerializer.Serialize(new MeterValuesRecorded(7, "CP-1", "u", 1, MeterValuesSource.MeterValues, Samples, At));

        var back = Assert.IsType<MeterValuesRecorded>(EventSerializer.Deserialize(type, json));

        Assert.Equal(Samples, back.Samples);
    }

    [Fact]
    public void GivenEvent_WhenSerialized_ThenCamelCaseIsoInstantsEnumNamesAndExactDecimals()
    {
        var (_, json) = EventSerializer.Serialize(new ConnectorMeterValuesRecorded("CP-1", "u", 0, Samples, At));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var sample = root.GetProperty("samples")[0];

        Assert.Equal("2026-11-21T10:00:00.123456789Z", root.GetProperty("receivedAt").GetString());
        Assert.Equal("2026-11-18T23:59:59Z", sample.GetProperty("timestamp").GetString());
        Assert.Equal("0.1000000000000000000000000001", sample.GetProperty("number").GetRawText());
        Assert.Equal(100, sample.GetProperty("energyWh").GetInt64());
        Assert.Equal(
            ["timestamp", "value", "measurand", "unit", "context", "format", "location", "phase", "number", "energyWh"],
            sample.EnumerateObject().Select(p => p.Name));
        var (_, anomaly) = EventSerializer.Serialize(Every.OfType<TransactionAnomalyDetected>().Single());
        Assert.Contains("\"kind\":\"MeterStartAboveLastRegister\"", Encoding.UTF8.GetString(anomaly), StringComparison.Ordinal);
    }

    [Fact]
    public void GivenUnknownTypeOrBrokenJson_WhenDeserialized_ThenNullWithoutThrowing()
    {
        Assert.Null(EventSerializer.Deserialize("SomethingFromTheFuture", "{}"u8));
        Assert.Null(EventSerializer.Deserialize("TransactionStarted", "{not json"u8));
        Assert.Null(EventSerializer.Deserialize("TransactionStarted", "{\"deviceTime\":\"yesterday\"}"u8));
        Assert.Null(EventSerializer.Deserialize("HeartbeatReceived", "[]"u8));
    }

    [Fact]
    public void GivenNotAnEvent_WhenSerialized_ThenClearError()
    {
        Assert.Throws<ArgumentException>(() => EventSerializer.Serialize(new { NotAnEvent = true }));
    }
}
