using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChargeLedger.Simulator.Truth;

/// <summary>One charging session exactly as the simulated charge point sent it.</summary>
public sealed record SessionTruth
{
    public required string ChargePointId { get; init; }

    public required int ConnectorId { get; init; }

    public required string IdTag { get; init; }

    /// <summary>From the StartTransaction.conf; null when the Central System never answered.</summary>
    public int? TransactionId { get; set; }

    public required long MeterStartWh { get; init; }

    public long MeterStopWh { get; set; }

    public long EnergyWh => MeterStopWh - MeterStartWh;

    /// <summary>Device times (ISO 8601, as sent).</summary>
    public required string StartedAt { get; init; }

    public string? StoppedAt { get; set; }

    public int MeterValuesSent { get; set; }

    public int MessagesSent { get; set; }

    public bool ReplayedAfterOffline { get; set; }

    public int Duplicates { get; set; }

    public bool Completed { get; set; }
}

/// <summary>A CALL dropped unanswered after a lost connection.</summary>
public sealed record UnconfirmedMessage(string ChargePointId, string UniqueId, string Action);

/// <summary>Everything the simulator sent, written as JSON for <c>check</c> and for the full-pipeline tests.</summary>
public sealed record GroundTruth
{
    public required int Seed { get; init; }

    public required string Transport { get; init; }

    public required int ChargePoints { get; init; }

    public List<SessionTruth> Sessions { get; init; } = [];

    internal long MessageCounter;
    internal long FaultCounter;
    internal long ResendCounter;

    /// <summary>Every frame sent, duplicates and replays included.</summary>
    public long MessagesSent { get => Interlocked.Read(ref MessageCounter); set => MessageCounter = value; }

    /// <summary>StatusNotification Faulted sent.</summary>
    public long Faults { get => Interlocked.Read(ref FaultCounter); set => FaultCounter = value; }

    /// <summary>Frames sent again (same UniqueId) after a lost connection or a missing answer: not new messages.</summary>
    public long Resends { get => Interlocked.Read(ref ResendCounter); set => ResendCounter = value; }

    /// <summary>
    /// How many distinct CALLs each charge point sent: its UniqueIds are <c>{chargePointId}-1</c> … <c>-{n}</c>, so the
    /// exact set of messages the Central System must hold (less <see cref="Unconfirmed"/>) follows from this.
    /// </summary>
    public SortedDictionary<string, int> ChargePointMessages { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Messages that need not arrive (Heartbeat, Authorize, StatusNotification) that got no answer because the connection
    /// was lost: like a real charge point the simulator drops them, so each is stored at most once, maybe not at all.
    /// </summary>
    public List<UnconfirmedMessage> Unconfirmed { get; init; } = [];

    /// <summary>CALLERRORs received and calls that got no answer.</summary>
    public List<string> Errors { get; init; } = [];

    internal void AddError(string error)
    {
        lock (Errors)
        {
            Errors.Add(error);
        }
    }

    internal void AddUnconfirmed(UnconfirmedMessage message)
    {
        lock (Unconfirmed)
        {
            Unconfirmed.Add(message);
        }
    }

    internal void CountMessages(string chargePointId, int distinct)
    {
        lock (ChargePointMessages)
        {
            ChargePointMessages[chargePointId] = distinct;
        }
    }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(directory!);
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<GroundTruth> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<GroundTruth>(stream, Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} holds no ground truth");
    }
}
