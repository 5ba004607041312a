namespace CrudCqrs.Domain.Resources;

/// <summary>A node and its position in the store's one topological order.</summary>
public readonly record struct PositionedNode(Guid Id, long Position);
