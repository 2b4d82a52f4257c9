using System.Text.Json;
using ChargeLedger.EventStore;
using NodaTime;

namespace ChargeLedger.Api.Contracts;

/// <summary>One stored event as auditors replicate it: <see cref="Hash"/> (hex) chains it to the previous event of its stream.</summary>
public sealed record LogEvent(
    long Position,
    string Checkpoint,
    string StreamId,
    long StreamVersion,
    Guid EventId,
    string Type,
    Instant RecordedAt,
    JsonElement Data,
    EventMetadata Metadata,
    string Hash)
{
    public static LogEvent From(RecordedEvent e) => new(
        e.Position, e.Checkpoint.ToString(), e.StreamId, e.StreamVersion, e.EventId, e.Type, e.RecordedAt,
        JsonDocument.Parse(e.Data).RootElement.Clone(), e.Metadata, Convert.ToHexStringLower(e.Hash.Span));
}

/// <summary>A page of the log in commit order; pass <see cref="Next"/> as <c>after</c> to continue (also once at the head, to poll).</summary>
public sealed record EventLogPage(IReadOnlyList<LogEvent> Items, string Next, bool AtHead);

public sealed record StreamVerification(string StreamId, long EventsChecked, bool ChainValid, long? FirstBrokenVersion, string? Reason);
