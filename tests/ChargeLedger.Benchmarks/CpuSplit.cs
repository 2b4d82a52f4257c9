using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ChargeLedger.Benchmarks;

/// <summary>
/// CPU time from a start until now: this process, PostgreSQL's processes by role (application name) and the rest of
/// the server (background writers, autovacuum workers, ended processes too), the broker, and the whole machine. On two
/// shared cores a rate is bounded by the CPU every part spends per message, so the split says which part to look at.
/// </summary>
internal sealed class CpuSplit
{
    /// <summary>The name of this process's part.</summary>
    public const string Own = "this process";

    /// <summary>The name of the broker's part.</summary>
    public const string Broker = "Mosquitto";

    private readonly long started = Stopwatch.GetTimestamp();
    private readonly TimeSpan ownStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long machineStart = ProcessCpu.MachineBusyTicks();
    private readonly List<(string Role, ServerCpu Server, long Start)> servers = [];
    private readonly int[] broker = ProcessCpu.Named("mosquitto");
    private readonly long brokerStart;
    private readonly string ownRoles;
    private readonly int postmaster;
    private long serverOthersStart;

    private CpuSplit(string ownRoles, int postmaster)
    {
        this.ownRoles = ownRoles;
        this.postmaster = postmaster;
        brokerStart = ProcessCpu.Ticks(broker);
    }

    /// <summary>
    /// Starts counting; <paramref name="ownRoles"/> says what this process runs (described, not part of the part's name),
    /// <paramref name="roles"/> name the application names whose server processes are counted apart.
    /// </summary>
    public static async Task<CpuSplit> StartAsync(NpgsqlDataSource dataSource, string ownRoles, IReadOnlyList<(string Role, string ApplicationName)> roles)
    {
        var split = new CpuSplit(ownRoles, await ProcessCpu.PostmasterAsync(dataSource));
        foreach (var (role, applicationName) in roles)
        {
            var server = new ServerCpu(dataSource, applicationName);
            split.servers.Add((role, server, await server.SampleAsync()));
        }
        split.serverOthersStart = split.ServerOthersTicks();
        return split;
    }

    /// <summary>CPU per part since the start, the machine's busy time, and the wall time.</summary>
    public (IReadOnlyList<(string Name, TimeSpan Cpu)> Parts, TimeSpan Machine, TimeSpan Wall) Read()
    {
        var parts = new List<(string Name, TimeSpan Cpu)> { (Own, Process.GetCurrentProcess().TotalProcessorTime - ownStart) };
        parts.AddRange(servers.Select(s => ($"PostgreSQL for the {s.Role}", s.Server.Since(s.Start))));
        parts.Add((servers.Count == 0 ? "PostgreSQL" : "PostgreSQL's other processes", ProcessCpu.Time(ServerOthersTicks() - serverOthersStart)));
        parts.Add((Broker, ProcessCpu.Time(ProcessCpu.Ticks(broker) - brokerStart)));
        return (parts, ProcessCpu.Time(ProcessCpu.MachineBusyTicks() - machineStart), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The split as one line; with <paramref name="messages"/>, also in µs per message.</summary>
    public string Describe(string span, int? messages = null)
    {
        var (parts, machine, wall) = Read();
        string Amount(TimeSpan cpu) => messages is { } count
            ? string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalSeconds:0.0} s ({cpu.TotalMicroseconds / count:0} µs/msg)")
            : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalSeconds:0.0} s");
        return string.Create(CultureInfo.InvariantCulture, $"CPU {span}, {wall.TotalSeconds:0.0} s: ") +
               string.Join(", ", parts.Select(p => $"{(p.Name == Own ? $"{Own} ({ownRoles})" : p.Name)} {Amount(p.Cpu)}")) +
               string.Create(CultureInfo.InvariantCulture, $"; {parts.Sum(p => p.Cpu.TotalSeconds) / wall.TotalSeconds:0.00} cores busy on average, the machine {machine.TotalSeconds / wall.TotalSeconds:0.00}");
    }

    /// <summary>Every server process outside the roles (alive ones by their own time, ended ones through the postmaster's children time).</summary>
    private long ServerOthersTicks() => ProcessCpu.ServerTicks(postmaster, servers.SelectMany(s => s.Server.Pids).ToHashSet());
}
