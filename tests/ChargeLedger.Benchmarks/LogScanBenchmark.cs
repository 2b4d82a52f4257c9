using System.Diagnostics;
using System.Globalization;
using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// `eng/bench logscan [database]`: the store's read path, which every projection and rebuild goes through. Reads the
/// whole log of a benchmark database (default: the `readmodels` one, made by `eng/bench readmodels`) in pages of
/// 5,000 through <see cref="PostgresEventStore.ReadAllAsync"/>, alternating with the baseline: the same rows of the
/// same table read by a bare query that takes each column's bytes and builds nothing. Prints both rates, their ratio
/// and the client CPU per event; then the same for the read without metadata that rebuilds use where they can.
/// </summary>
internal static class LogScanBenchmark
{
    private const int PageSize = 5_000;
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var name = args.Length > 0 ? args[0] : "chargeledger_bench_readmodels";
        var connectionString = await BenchmarkDatabase.EnsureAsync(name, recreate: false, cancellationToken).ConfigureAwait(false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var store = new PostgresEventStore(dataSource);
        var (warm, _) = await BenchmarkDatabase.ScanLogAsync(store, PageSize, cancellationToken).ConfigureAwait(false);
        if (warm == 0)
        {
            Console.Error.WriteLine($"logscan: {name} holds no events; run `eng/bench readmodels` first");
            return 2;
        }
        await BareScanAsync(dataSource, cancellationToken).ConfigureAwait(false);

        var (storeTime, storeCpu, bareTime, bareCpu, leanTime, leanCpu) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        for (var round = 0; round < Rounds; round++)
        {
            var (time, cpu) = await MeasureAsync(async () => (await BenchmarkDatabase.ScanLogAsync(store, PageSize, cancellationToken).ConfigureAwait(false)).Events).ConfigureAwait(false);
            (storeTime, storeCpu) = (storeTime + time, storeCpu + cpu);
            (time, cpu) = await MeasureAsync(() => BareScanAsync(dataSource, cancellationToken)).ConfigureAwait(false);
            (bareTime, bareCpu) = (bareTime + time, bareCpu + cpu);
            (time, cpu) = await MeasureAsync(async () =>
                (await BenchmarkDatabase.ScanLogAsync(store, PageSize, cancellationToken, withoutMetadata: true).ConfigureAwait(false)).Events).ConfigureAwait(false);
            (leanTime, leanCpu) = (leanTime + time, leanCpu + cpu);
        }
        var events = (double)warm * Rounds;
        Print($"{warm:N0} events, {Rounds} rounds of each, pages of {PageSize:N0}");
        Print($"store ReadAllAsync: {events / storeTime.TotalSeconds:N0} events/s, client CPU {storeCpu.TotalMicroseconds / events:0.0} us/event");
        Print($"bare query, same rows and columns: {events / bareTime.TotalSeconds:N0} events/s, client CPU {bareCpu.TotalMicroseconds / events:0.0} us/event");
        Print($"ratio store / bare: {bareTime / storeTime:0.00}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Print($"store ReadAllWithoutMetadataAsync (a rebuild of a projection that reads no metadata): {events / leanTime.TotalSeconds:N0} events/s, " +
            $"client CPU {leanCpu.TotalMicroseconds / events:0.0} us/event; ratio to the full read {storeTime / leanTime:0.00}");
        return 0;
    }

    private static async Task<(TimeSpan Time, TimeSpan Cpu)> MeasureAsync(Func<Task<long>> scan)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await scan().ConfigureAwait(false);
        var time = clock.Elapsed;
        process.Refresh();
        return (time, process.TotalProcessorTime - cpu);
    }

    /// <summary>The same pages by the same keyset, each column taken as its wire bytes: what a read costs without the store's decoding.</summary>
    private static async Task<long> BareScanAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var (transactionId, position, scanned) = ("0", 0L, 0L);
        while (true)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT position, transaction_id::text, stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash FROM events
                WHERE (transaction_id, position) > ($1::xid8, $2) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY events.transaction_id, events.position LIMIT $3
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = transactionId });
            command.Parameters.Add(new NpgsqlParameter { Value = position });
            command.Parameters.Add(new NpgsqlParameter { Value = PageSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                position = reader.GetInt64(0);
                transactionId = reader.GetString(1);
            }
            if (rows == 0)
            {
                return scanned;
            }
            scanned += rows;
        }
    }

    private static void Print(string line) => Console.WriteLine("logscan: " + line.ToString(CultureInfo.InvariantCulture));
}
