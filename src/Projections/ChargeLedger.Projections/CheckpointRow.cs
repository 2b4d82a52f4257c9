using ChargeLedger.EventStore;
using NodaTime;

namespace ChargeLedger.Projections;

/// <summary>Which copy of a read model a checkpoint row belongs to.</summary>
public enum ProjectionTarget
{
    Live,
    Rebuild,
}

/// <summary>One row of <c>projection_checkpoints</c>.</summary>
public sealed record CheckpointRow(
    string Projection,
    ProjectionTarget Target,
    string SchemaName,
    int Version,
    Checkpoint Checkpoint,
    long EventsApplied,
    Instant? LastRecordedAt,
    bool Failed,
    string? LastError,
    Instant? FailedAt,
    Instant StartedAt,
    Instant UpdatedAt);
