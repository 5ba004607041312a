namespace CrudCqrs.Domain.Resources;

public sealed class UnknownDependenciesException(IReadOnlyDictionary<int, Guid> unknownByPosition)
    : DomainException($"Unknown dependencies: {string.Join(", ", unknownByPosition.Values)}")
{
    /// <summary>Position in the submitted list → the id that does not exist.</summary>
    public IReadOnlyDictionary<int, Guid> UnknownByPosition { get; } = unknownByPosition;
}
