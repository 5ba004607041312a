using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.GetResource;

[Operation("read_resource", "read")]
public sealed record GetResourceQuery(string Id) : IQuery<ResourceDto>;

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
