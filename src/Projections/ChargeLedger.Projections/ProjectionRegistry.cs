namespace ChargeLedger.Projections;

/// <summary>The projections a process knows, by name; hosts and tests pick the set they run from it.</summary>
public sealed class ProjectionRegistry
{
    public const string AllName = "all";

    private readonly Dictionary<string, IProjection> byName = new(StringComparer.Ordinal);

    public ProjectionRegistry(IEnumerable<IProjection> projections)
    {
        foreach (var projection in projections)
        {
            ProjectionNames.Validate(projection.Name);
            if (projection.Name == AllName || !byName.TryAdd(projection.Name, projection))
            {
                throw new ArgumentException($"Projection name '{projection.Name}' is reserved or registered twice.", nameof(projections));
            }
        }
        All = [.. byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<IProjection> All { get; }

    public IProjection Get(string name) =>
        byName.TryGetValue(name, out var projection)
            ? projection
            : throw new ArgumentException($"Unknown projection '{name}'; known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}.", nameof(name));

    /// <summary>The named projections, or every one when the names are empty or include "all".</summary>
    public IReadOnlyList<IProjection> Select(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 || list.Contains(AllName) ? All : [.. list.Distinct(StringComparer.Ordinal).Select(Get)];
    }
}
