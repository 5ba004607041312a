using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Domain.Resources;
using Mediator;

namespace CrudCqrs.Application.Resources.GetResource;

public sealed class GetResourceHandler(IResourceRepository repository) : IQueryHandler<GetResourceQuery, ResourceDto>
{
    public async ValueTask<ResourceDto> Handle(GetResourceQuery query, CancellationToken cancellationToken)
    {
        var id = ResourceIds.ParseExisting(query.Id);
        OperationFacts.SetResourceId(id);
        var resource = await repository.FindAsync(id, cancellationToken) ?? throw new ResourceNotFoundException(id);
        return ResourceDto.From(resource);
    }
}
