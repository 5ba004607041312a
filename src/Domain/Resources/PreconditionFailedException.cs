namespace CrudCqrs.Domain.Resources;

public sealed class PreconditionFailedException(Guid id)
    : DomainException($"Resource '{id}' was changed since the ETag given in If-Match.")
{
    public Guid ResourceId { get; } = id;
}
