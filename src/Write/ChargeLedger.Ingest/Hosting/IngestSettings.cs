using System.Globalization;
using ChargeLedger.Domain.ChargePoints;
using ChargeLedger.Domain.Transactions;
using NodaTime;

namespace ChargeLedger.Ingest.Hosting;

/// <summary>Everything the ingest host needs, read from <c>CHARGELEDGER_*</c> environment variables with local defaults.</summary>
public sealed record IngestSettings
{
    public string PostgresConnectionString { get; init; } = EventStore.PostgresSettings.DefaultConnectionString;

    public string MqttHost { get; init; } = "127.0.0.1";

    public int MqttPort { get; init; } = 18839;

    public string? MqttUsername { get; init; }

    public string? MqttPassword { get; init; }

    /// <summary>Use TLS to the broker (certificate validated by the system store, or by <see cref="MqttTlsCaFile"/>).</summary>
    public bool MqttTls { get; init; }

    public string? MqttTlsCaFile { get; init; }

    /// <summary>Stable across restarts so the broker keeps the session (and the unacknowledged messages) for us.</summary>
    public string ClientId { get; init; } = "chargeledger-ingest-1";

    /// <summary>How long the broker keeps our session (subscriptions and unacknowledged messages) while we are away.</summary>
    public uint SessionExpirySeconds { get; init; } = 7 * 24 * 3600;

    public string SharedGroup { get; init; } = "ingest";

    /// <summary>The gateway's mount point: topics are <c>{MountPoint}cp/{cid}</c>, <c>{MountPoint}cp/{cid}/Reply</c>, <c>{MountPoint}cs/{cid}</c>.</summary>
    public string MountPoint { get; init; } = "ocpp/";

    /// <summary>EMQX publishes connect/disconnect notices under <c>$SYS/</c>; brokers that refuse client publishes there use another prefix.</summary>
    public string NoticePrefix { get; init; } = "$SYS/";

    public ChargePointPolicy ChargePointPolicy { get; init; } = ChargePointPolicy.Default;

    public TransactionPolicy TransactionPolicy { get; init; } = TransactionPolicy.Default;

    /// <summary>Most messages decided and committed together (one group commit).</summary>
    public int MaxBatchSize { get; init; } = 2000;

    /// <summary>
    /// Whether the store prepares a group commit on every core. Off by default: the pipeline overlaps decoding and deciding
    /// with the append, and on a small machine the store's extra threads only compete with it.
    /// </summary>
    public bool ParallelStorePreparation { get; init; }

    /// <summary>Charge point / transaction states kept in memory (least recently used are dropped).</summary>
    public int StateCacheSize { get; init; } = 50_000;

    /// <summary>Events of a charge point stream between two snapshots (a cold load reads at most this many events).</summary>
    public int SnapshotEvery { get; init; } = Pipeline.SnapshotStore.DefaultEvery;

    /// <summary>How long a sent remote command waits for the charge point's reply before it is recorded as timed out.</summary>
    public Duration RemoteCommandTimeout { get; init; } = Duration.FromSeconds(60);

    /// <summary>How often open transactions are checked for a missing stop.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Test-only: exit the process (code 86) right after the commit of the batch holding the Nth message, before any reply or ack.</summary>
    public int? CrashAfterCommitOfMessage { get; init; }

    public static IngestSettings FromEnvironment() => From(Environment.GetEnvironmentVariable);

    public static IngestSettings From(Func<string, string?> env)
    {
        var defaults = new IngestSettings();
        string Text(string name, string fallback) => env(name) is { Length: > 0 } value ? value : fallback;
        int Number(string name, int fallback) => env(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        bool Flag(string name, bool fallback) => env(name) is { Length: > 0 } value ? bool.Parse(value) : fallback;
        var vendors = Text("CHARGELEDGER_DATATRANSFER_VENDORS", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chargePoints = new ChargePointPolicy(
            Flag("CHARGELEDGER_ACCEPT_UNKNOWN_CHARGE_POINTS", ChargePointPolicy.Default.AcceptUnknownChargePoints),
            Number("CHARGELEDGER_HEARTBEAT_INTERVAL_SECONDS", ChargePointPolicy.Default.HeartbeatIntervalSeconds),
            Number("CHARGELEDGER_REJECTED_RETRY_INTERVAL_SECONDS", ChargePointPolicy.Default.RejectedRetryIntervalSeconds),
            vendors.ToHashSet(StringComparer.Ordinal));
        var transactions = new TransactionPolicy(
            Number("CHARGELEDGER_METER_START_JUMP_WH", (int)TransactionPolicy.Default.MeterStartJumpThresholdWh),
            Duration.FromSeconds(Number("CHARGELEDGER_FUTURE_TOLERANCE_SECONDS", (int)TransactionPolicy.Default.FutureTolerance.TotalSeconds)),
            Duration.FromSeconds(Number("CHARGELEDGER_STOP_MISSING_AFTER_SECONDS", (int)TransactionPolicy.Default.StopMissingAfter.TotalSeconds)));
        return new IngestSettings
        {
            PostgresConnectionString = Text(EventStore.PostgresSettings.EnvironmentVariable, defaults.PostgresConnectionString),
            MqttHost = Text("CHARGELEDGER_MQTT_HOST", defaults.MqttHost),
            MqttPort = Number("CHARGELEDGER_MQTT_PORT", defaults.MqttPort),
            MqttUsername = env("CHARGELEDGER_MQTT_USERNAME") is { Length: > 0 } user ? user : null,
            MqttPassword = env("CHARGELEDGER_MQTT_PASSWORD") is { Length: > 0 } password ? password : null,
            MqttTls = Flag("CHARGELEDGER_MQTT_TLS", false),
            MqttTlsCaFile = env("CHARGELEDGER_MQTT_TLS_CA_FILE") is { Length: > 0 } ca ? ca : null,
            ClientId = Text("CHARGELEDGER_INGEST_CLIENT_ID", defaults.ClientId),
            SessionExpirySeconds = (uint)Number("CHARGELEDGER_INGEST_SESSION_EXPIRY_SECONDS", (int)defaults.SessionExpirySeconds),
            SharedGroup = Text("CHARGELEDGER_INGEST_SHARED_GROUP", defaults.SharedGroup),
            MountPoint = Text("CHARGELEDGER_MOUNT_POINT", defaults.MountPoint),
            NoticePrefix = Text("CHARGELEDGER_NOTICE_PREFIX", defaults.NoticePrefix),
            ChargePointPolicy = chargePoints,
            TransactionPolicy = transactions,
            MaxBatchSize = Number("CHARGELEDGER_INGEST_BATCH_SIZE", defaults.MaxBatchSize),
            ParallelStorePreparation = Flag("CHARGELEDGER_INGEST_PARALLEL_STORE_PREPARATION", defaults.ParallelStorePreparation),
            StateCacheSize = Number("CHARGELEDGER_INGEST_CACHE_SIZE", defaults.StateCacheSize),
            SnapshotEvery = Number("CHARGELEDGER_INGEST_SNAPSHOT_EVERY", defaults.SnapshotEvery),
            RemoteCommandTimeout = Duration.FromSeconds(Number("CHARGELEDGER_REMOTE_COMMAND_TIMEOUT_SECONDS", (int)defaults.RemoteCommandTimeout.TotalSeconds)),
            SweepInterval = TimeSpan.FromSeconds(Number("CHARGELEDGER_SWEEP_INTERVAL_SECONDS", (int)defaults.SweepInterval.TotalSeconds)),
            CrashAfterCommitOfMessage = env("CHARGELEDGER_TEST_CRASH_AFTER_COMMIT_OF_MESSAGE") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : null,
        };
    }
}
