namespace CrudCqrs.Domain.Resources;

/// <summary>Base of the rule violations the domain reports; the API maps each to one problem type.</summary>
public abstract class DomainException(string message) : Exception(message);

public sealed class ResourceNotFoundException(string resourceId)
    : DomainException($"Resource '{resourceId}' was not found.")
{
    public ResourceNotFoundException(Guid id) : this(id.ToString())
    {
    }

    /// <summary>The id as the client sent it (it may not even be a well-formed id).</summary>
    public string ResourceId { get; } = resourceId;
}

public sealed class CircularDependencyException(IReadOnlyList<Guid> cycle)
    : DomainException($"Circular dependency detected: {string.Join(" → ", cycle)}")
{
    /// <summary>The ids along the cycle, the first repeated at the end.</summary>
    public IReadOnlyList<Guid> Cycle { get; } = cycle;
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
