using ChargeLedger.EventStore;
using Npgsql;

namespace ChargeLedger.Projections;

/// <summary>Runs a set of projections side by side, each in its own loop, so a slow or failing one holds back no other.</summary>
public sealed class ProjectionHost(IEventStore store, NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, ProjectionRunnerOptions? options = null)
{
    private readonly IReadOnlyList<ProjectionRunner> runners = Runners(new SharedLogPages(store), dataSource, projections, options);

    private static ProjectionRunner[] Runners(IEventStore shared, NpgsqlDataSource dataSource, IEnumerable<IProjection> projections, ProjectionRunnerOptions? options) =>
        [.. projections.Select(p => new ProjectionRunner(shared, dataSource, p, options))];

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(runners.Select(runner => Task.Run(() => runner.RunAsync(cancellationToken), CancellationToken.None)));
}
