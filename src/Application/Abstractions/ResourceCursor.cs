namespace CrudCqrs.Application.Abstractions;

/// <summary>A position in the stable order: the last resource of the previous page.</summary>
public sealed record ResourceCursor(DateTimeOffset CreatedAt, Guid Id);
