using ChargeLedger.EventStore;
using NodaTime;

namespace ChargeLedger.Projections;

public enum ProjectionState
{
    Running,
    Rebuilding,
    Failed,
}

/// <summary>
/// A rebuild's fresh copy and where it stands. <see cref="Active"/> is false when no process is filling it (a
/// rebuild that stopped half-way; the next rebuild of the same version resumes it).
/// </summary>
public sealed record RebuildProgress(string Schema, int Version, Checkpoint Checkpoint, long EventsApplied, long EventsBehind, Instant StartedAt, bool Active);

/// <summary>
/// How far a projection's live copy is behind the head of the log. <see cref="SecondsBehind"/> is how long the
/// oldest event it has not applied yet has been waiting (0 when caught up).
/// </summary>
public sealed record ProjectionStatus(
    string Name,
    int Version,
    Checkpoint Checkpoint,
    long EventsApplied,
    Instant? LastRecordedAt,
    long EventsBehind,
    double SecondsBehind,
    ProjectionState State,
    string? LastError,
    Instant? FailedAt,
    Instant UpdatedAt,
    RebuildProgress? Rebuild);
