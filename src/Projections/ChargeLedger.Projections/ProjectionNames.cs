using System.Text.RegularExpressions;

namespace ChargeLedger.Projections;

/// <summary>Projection names end up in schema names, so they are restricted to plain identifiers.</summary>
public static partial class ProjectionNames
{
    public static string Validate(string name) =>
        ValidName().IsMatch(name)
            ? name
            : throw new ArgumentException($"Projection name '{name}' must be 1-40 lower-case letters, digits or underscores, starting with a letter.", nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex ValidName();
}
