using System.Globalization;
using ChargeLedger.EventStore;
using ChargeLedger.Projections;
using Npgsql;

namespace ChargeLedger.Projector;

internal static class Commands
{
    public static async Task<int> RunAsync(IEventStore store, NpgsqlDataSource dataSource, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        Log($"running {string.Join(", ", projections.Select(p => $"{p.Name} v{p.Version}"))}");
        var options = new ProjectionRunnerOptions { Log = Log };
        await new ProjectionHost(store, dataSource, projections, options).RunAsync(cancellationToken).ConfigureAwait(false);
        Log("stopped");
        return 0;
    }

    public static async Task<int> RebuildAsync(IEventStore store, NpgsqlDataSource dataSource, IReadOnlyList<IProjection> projections, bool dryRun, CancellationToken cancellationToken)
    {
        var rebuilder = new ProjectionRebuilder(store, dataSource, new RebuildOptions { DryRun = dryRun, Log = Log });
        var differing = 0;
        foreach (var projection in projections)
        {
            var report = await rebuilder.RebuildAsync(projection, cancellationToken).ConfigureAwait(false);
            foreach (var difference in report.Differences)
            {
                Console.WriteLine($"{report.Projection}\t{difference.Key}\told={difference.Old ?? "(absent)"}\tnew={difference.New ?? "(absent)"}");
            }
            differing += report.DifferenceCount > 0 ? 1 : 0;
        }
        // Exit code 1 tells a script that the rebuilt read models differ from the ones they replaced.
        return differing > 0 ? 1 : 0;
    }

    public static async Task<int> StatusAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        Console.WriteLine("projection\tversion\tstate\tcheckpoint\tevents_behind\tseconds_behind\tlast_error");
        foreach (var s in await new ProjectionStatusReader(dataSource).ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name}\t{s.Version}\t{s.State}\t{s.Checkpoint}\t{s.EventsBehind}\t{s.SecondsBehind:0.###}\t{s.LastError}"));
        }
        return 0;
    }

    public static int Usage(ProjectionRegistry registry)
    {
        Console.Error.WriteLine("usage: ChargeLedger.Projector [run [name...]] | rebuild <name|all> [--dry-run] | status");
        Console.Error.WriteLine("projections: " + string.Join(", ", registry.All.Select(p => p.Name)));
        return 2;
    }

    private static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} {message}"));
}
