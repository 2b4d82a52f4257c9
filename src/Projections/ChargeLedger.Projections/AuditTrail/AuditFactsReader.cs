using System.Text.Json;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Serialization;
using ChargeLedger.Domain.Shared;
using ChargeLedger.Domain.Transactions;
using ChargeLedger.EventStore;
using ChargeLedger.Primitives;
using NodaTime;
using NodaTime.Text;

namespace ChargeLedger.Projections.AuditTrail;

/// <summary>
/// The audit facts of the log's most frequent event types read straight from the stored UTF-8 JSON, without building the
/// domain event: materialising every meter sample was most of a rebuild's decoding. Same rules as
/// <see cref="AuditFacts.Of"/> for these types; anything out of the ordinary (a field missing, null or of another JSON
/// kind, an escaped or unusual value, another type) returns null and the caller takes the domain event's way.
/// </summary>
internal static class AuditFactsReader
{
    private enum Kind { Heartbeat, Status, MeterValues, IdAssigned, Released }

    private static readonly Dictionary<string, Kind> Kinds = new(StringComparer.Ordinal)
    {
        [EventTypes.NameOf(typeof(HeartbeatReceived))!] = Kind.Heartbeat,
        [EventTypes.NameOf(typeof(ConnectorStatusReported))!] = Kind.Status,
        [EventTypes.NameOf(typeof(MeterValuesRecorded))!] = Kind.MeterValues,
        [EventTypes.NameOf(typeof(TransactionIdAssigned))!] = Kind.IdAssigned,
        [EventTypes.NameOf(typeof(ConnectorReleased))!] = Kind.Released,
    };

    /// <summary>The JSON fields these types' facts come from; a field not present stays unset.</summary>
    private ref struct Fields
    {
        public string? ChargePointId;
        public string? UniqueId;
        public string? IdTag;
        public int? ConnectorId;
        public int? TransactionId;
        public Instant? ReceivedAt;
        public Instant? DeviceTime;
        public bool? FromMeterValues;
        public bool HasSamples;
        public Instant? EarliestSample;
    }

    public static AuditFacts? TryRead(RecordedEvent recorded)
    {
        if (!Kinds.TryGetValue(recorded.Type, out var kind))
        {
            return null;
        }
        var fields = new Fields();
        try
        {
            if (!TryReadFields(recorded.Data.Span, ref fields))
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null; // the domain's way decides what unreadable JSON means
        }
        if (fields.ChargePointId is null || fields.ReceivedAt is not { } receivedAt)
        {
            return null;
        }
        Instant? deviceTime;
        int? transactionId = null;
        int? connectorId;
        string? idTag = null;
        byte[]? sent = null;
        switch (kind)
        {
            case Kind.Heartbeat when fields.UniqueId is { } uniqueId:
                deviceTime = null;
                connectorId = null;
                sent = SentFrames.Heartbeat(uniqueId, receivedAt);
                break;
            case Kind.Status when fields is { UniqueId: { } uniqueId, ConnectorId: { } connector }:
                deviceTime = fields.DeviceTime;
                connectorId = connector;
                sent = SentFrames.EmptyResult(uniqueId);
                break;
            case Kind.MeterValues when fields is { UniqueId: { } uniqueId, ConnectorId: { } connector, TransactionId: { } transaction, FromMeterValues: { } fromMeterValues, HasSamples: true }:
                deviceTime = fields.EarliestSample;
                connectorId = connector;
                transactionId = transaction;
                sent = fromMeterValues ? SentFrames.EmptyResult(uniqueId) : null;
                break;
            case Kind.IdAssigned when fields is { UniqueId: not null, ConnectorId: { } connector, TransactionId: { } transaction, DeviceTime: { } device, IdTag: { } tag }:
                deviceTime = device;
                connectorId = connector;
                transactionId = transaction;
                idTag = StreamIds.IdTagKey(tag);
                break;
            case Kind.Released when fields is { ConnectorId: { } connector, TransactionId: { } transaction, DeviceTime: { } device }:
                deviceTime = device;
                connectorId = connector;
                transactionId = transaction;
                break;
            default:
                return null;
        }
        // Meter values name their charge point even when empty; the charge point's own events fall back to the metadata's.
        var chargePointId = kind == Kind.MeterValues || fields.ChargePointId.Length > 0 ? fields.ChargePointId
            : recorded.Metadata.ChargePointId is { Length: > 0 } fromMetadata ? fromMetadata : null;
        var occurredAt = deviceTime ?? recorded.Metadata.DeviceTime ?? receivedAt;
        return new AuditFacts(recorded.Position, occurredAt, receivedAt, chargePointId, transactionId, connectorId, idTag, sent);
    }

    private static bool TryReadFields(ReadOnlySpan<byte> json, ref Fields fields)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }
            var name = reader.ValueSpan;
            reader.Read();
            var read = name switch
            {
                _ when name.SequenceEqual("chargePointId"u8) => TryString(ref reader, out fields.ChargePointId),
                _ when name.SequenceEqual("uniqueId"u8) => TryString(ref reader, out fields.UniqueId),
                _ when name.SequenceEqual("idTag"u8) => TryString(ref reader, out fields.IdTag),
                _ when name.SequenceEqual("connectorId"u8) => TryInt(ref reader, out fields.ConnectorId),
                _ when name.SequenceEqual("transactionId"u8) => TryInt(ref reader, out fields.TransactionId),
                _ when name.SequenceEqual("receivedAt"u8) => TryInstant(ref reader, out fields.ReceivedAt),
                _ when name.SequenceEqual("deviceTime"u8) => reader.TokenType == JsonTokenType.Null || TryInstant(ref reader, out fields.DeviceTime),
                _ when name.SequenceEqual("source"u8) => TrySource(ref reader, out fields.FromMeterValues),
                _ when name.SequenceEqual("samples"u8) => TrySamples(ref reader, ref fields),
                _ => reader.TrySkip(),
            };
            if (!read)
            {
                return false;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return value is not null;
    }

    private static bool TryInt(ref Utf8JsonReader reader, out int? value)
    {
        value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : null;
        return value is not null;
    }

    private static bool TrySource(ref Utf8JsonReader reader, out bool? fromMeterValues)
    {
        fromMeterValues = reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ? null
            : reader.ValueSpan.SequenceEqual("MeterValues"u8) ? true
            : reader.ValueSpan.SequenceEqual("StopTransactionData"u8) ? false
            : null;
        return fromMeterValues is not null;
    }

    /// <summary>Only each sample's timestamp matters here (the earliest is the event's device time).</summary>
    private static bool TrySamples(ref Utf8JsonReader reader, ref Fields fields)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            Instant? timestamp = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTimestamp = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("timestamp"u8);
                reader.Read();
                if (isTimestamp ? !TryInstant(ref reader, out timestamp) : !reader.TrySkip())
                {
                    return false;
                }
            }
            if (timestamp is not { } at)
            {
                return false;
            }
            fields.EarliestSample = fields.EarliestSample is { } earliest && earliest <= at ? earliest : at;
        }
        fields.HasSamples = reader.TokenType == JsonTokenType.EndArray;
        return fields.HasSamples;
    }

    /// <summary>As the domain's <see cref="InstantJsonConverter"/> reads it: ISO-8601 in UTC; the common whole-second form without a string.</summary>
    private static bool TryInstant(ref Utf8JsonReader reader, out Instant? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        if (!reader.ValueIsEscaped && IsoInstantUtf8.TryParse(reader.ValueSpan, out var instant))
        {
            value = instant;
            return true;
        }
        var parsed = InstantPattern.ExtendedIso.Parse(reader.GetString()!);
        value = parsed.Success ? parsed.Value : null;
        return value is not null;
    }
}
