namespace ChargeLedger.Api.Contracts;

/// <summary>One page of a list in a stable order; pass <see cref="Next"/> as <c>cursor</c> for the following page (null at the end).</summary>
public sealed record ItemsPage<T>(IReadOnlyList<T> Items, string? Next);
