using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Mediator;

namespace CrudCqrs.Application.Resources.CreateResource;

[Operation("create_resource", "create")]
public sealed record CreateResourceCommand(string? Name, string? Description, IReadOnlyList<string?>? Dependencies)
    : ICommand<ResourceDto>, IIdempotentCommand;

public sealed class CreateResourceHandler(IResourceRepository repository, TimeProvider clock)
    : ICommandHandler<CreateResourceCommand, ResourceDto>
{
    public async ValueTask<ResourceDto> Handle(CreateResourceCommand command, CancellationToken cancellationToken)
    {
        var dependencies = ResourceRules.ParseIds(command.Dependencies ?? []);

        // A new id has no dependents yet, so no cycle can pass through it: checking that every
        // dependency exists, inside the write transaction, is the whole graph rule for create.
        await using var transaction = await repository.BeginWriteAsync(cancellationToken);
        await ResourceRules.EnsureDependenciesExistAsync(repository, dependencies, cancellationToken);
        // Taken inside the write transaction, so creation times and ids follow commit order.
        var now = clock.GetUtcNow();
        var resource = Resource.Create(ResourceIds.NewId(now), command.Name!, command.Description, dependencies, now);
        await repository.AddAsync(resource, cancellationToken);
        var created = ResourceDto.From(resource);
        await transaction.CommitAsync(created, cancellationToken);

        OperationFacts.SetCreated(resource.Id);
        return created;
    }
}
