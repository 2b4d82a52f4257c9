using System.Globalization;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// CPU time of the server processes serving the benchmark's database (all of them, or those of one application name),
/// from /proc: the server runs on this machine. The kernel counts in clock ticks (10 ms), so only averages over many
/// batches, or long spans, mean anything.
/// </summary>
internal sealed class ServerCpu(NpgsqlDataSource dataSource, string? applicationName = null)
{
    private int[] pids = [];

    /// <summary>The processes found by the last <see cref="SampleAsync"/>.</summary>
    public IReadOnlyList<int> Pids => pids;

    /// <summary>Finds the current server processes (outside the measured span), then reads their CPU.</summary>
    public async Task<long> SampleAsync()
    {
        await using var command = dataSource.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND ($1::text IS NULL OR application_name = $1)");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = applicationName, DataTypeName = "text" });
        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<int>();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetInt32(0));
        }
        pids = [.. found];
        return ProcessCpu.Ticks(pids);
    }

    public TimeSpan Since(long ticks) => ProcessCpu.Time(ProcessCpu.Ticks(pids) - ticks);
}

/// <summary>CPU time (user + system) of processes on this machine, from /proc/{pid}/stat.</summary>
internal static class ProcessCpu
{
    private const double MillisecondsPerTick = 1000.0 / 100;

    public static TimeSpan Time(long ticks) => TimeSpan.FromMilliseconds(ticks * MillisecondsPerTick);

    /// <summary>The processes whose command name is <paramref name="name"/> (e.g. the broker's).</summary>
    public static int[] Named(string name) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ReadStat(pid) is { } stat && stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')] == name)];

    /// <summary>The parent of <paramref name="pid"/> (a server process's parent is the postmaster).</summary>
    public static int ParentOf(int pid) =>
        ReadStat(pid) is { } stat ? int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) : 0;

    /// <summary>The postmaster of the server behind <paramref name="dataSource"/> (the parent of a backend).</summary>
    public static async Task<int> PostmasterAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_backend_pid()");
        return ParentOf((int)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// Every server process but <paramref name="except"/>: the living by their own time, the ended through the
    /// postmaster's children time. Differences of two readings count each process's CPU inside the span exactly once.
    /// </summary>
    public static long ServerTicks(int postmaster, IReadOnlySet<int>? except = null) =>
        Ticks(Named("postgres").Where(pid => except?.Contains(pid) != true)) + EndedChildrenTicks(postmaster);

    /// <summary>CPU of the children of <paramref name="pid"/> that ended and were waited for (a server's exited workers).</summary>
    public static long EndedChildrenTicks(int pid) =>
        ReadStat(pid) is { } stat && stat[(stat.LastIndexOf(')') + 2)..].Split(' ') is var fields
            ? long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)
            : 0;

    /// <summary>The whole machine's busy ticks (all CPUs, everything but idle and iowait), from /proc/stat.</summary>
    public static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Take(8).Sum() - fields[3] - fields[4];
    }

    public static long Ticks(IEnumerable<int> pids)
    {
        var total = 0L;
        foreach (var pid in pids)
        {
            if (ReadStat(pid) is not { } stat)
            {
                continue; // The process ended (a pooled connection closed); its last ticks are lost either way.
            }
            // utime and stime are fields 14 and 15; the command name (field 2) is in parentheses and may hold spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
