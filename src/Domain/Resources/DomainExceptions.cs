namespace CrudCqrs.Domain.Resources;

/// <summary>Base of the rule violations the domain reports; the API maps each to one problem type.</summary>
public abstract class DomainException(string message) : Exception(message);

public sealed class ResourceNotFoundException : DomainException
{
    /// <summary>An id is 36 characters; anything longer than this is cut, so an answer never echoes kilobytes.</summary>
    public const int MaxEchoedIdLength = 64;

    public ResourceNotFoundException(string resourceId) : base($"Resource '{Echo(resourceId)}' was not found.") =>
        ResourceId = Echo(resourceId);

    public ResourceNotFoundException(Guid id) : this(id.ToString())
    {
    }

    /// <summary>
    /// The id as the client sent it (it may not even be a well-formed id); one longer than
    /// <see cref="MaxEchoedIdLength"/> characters is cut there and ends in '…'.
    /// </summary>
    public string ResourceId { get; }

    private static string Echo(string id)
    {
        if (id.Length <= MaxEchoedIdLength)
        {
            return id;
        }
        // Never split a surrogate pair: the echo must stay valid UTF-16 to be written as JSON.
        var cut = char.IsHighSurrogate(id[MaxEchoedIdLength - 1]) ? MaxEchoedIdLength - 1 : MaxEchoedIdLength;
        return string.Concat(id.AsSpan(0, cut), "…");
    }
}

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

public sealed class UnknownDependenciesException(IReadOnlyDictionary<int, Guid> unknownByPosition)
    : DomainException($"Unknown dependencies: {string.Join(", ", unknownByPosition.Values)}")
{
    /// <summary>Position in the submitted list → the id that does not exist.</summary>
    public IReadOnlyDictionary<int, Guid> UnknownByPosition { get; } = unknownByPosition;
}

public sealed class PreconditionFailedException(Guid id)
    : DomainException($"Resource '{id}' was changed since the ETag given in If-Match.")
{
    public Guid ResourceId { get; } = id;
}
