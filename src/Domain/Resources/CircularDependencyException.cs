namespace CrudCqrs.Domain.Resources;

/// <summary>
/// A write would close a cycle. A chain has no length limit, so everything this exception says
/// to a client or a log (its message, <see cref="Shown"/>) keeps the path's first and last
/// <see cref="EndsShown"/> ids only; <see cref="Cycle"/> holds all of it for the trace.
/// </summary>
public sealed class CircularDependencyException(IReadOnlyList<Guid> cycle)
    : DomainException(Describe(cycle))
{
    /// <summary>How many ids of each end of the path are shown when it is longer than twice this.</summary>
    public const int EndsShown = 10;

    /// <summary>The ids along the cycle, the first repeated at the end.</summary>
    public IReadOnlyList<Guid> Cycle { get; } = cycle;

    /// <summary>How many resources the cycle passes through (the path's ids, the repeated first one counted once).</summary>
    public int Length => Cycle.Count - 1;

    /// <summary>Whether <see cref="Shown"/> leaves out the middle of the path.</summary>
    public bool IsTruncated => Cycle.Count > 2 * EndsShown;

    /// <summary>The path, or its first and last <see cref="EndsShown"/> ids when it is longer.</summary>
    public IReadOnlyList<Guid> Shown => IsTruncated ? [.. Cycle.Take(EndsShown), .. Cycle.TakeLast(EndsShown)] : Cycle;

    private static string Describe(IReadOnlyList<Guid> cycle)
    {
        if (cycle.Count <= 2 * EndsShown)
        {
            return $"Circular dependency detected: {string.Join(" → ", cycle)}";
        }
        var omitted = cycle.Count - 2 * EndsShown;
        return $"Circular dependency detected through {cycle.Count - 1} resources: " +
            $"{string.Join(" → ", cycle.Take(EndsShown))} → … {omitted} more … → {string.Join(" → ", cycle.TakeLast(EndsShown))}";
    }
}
