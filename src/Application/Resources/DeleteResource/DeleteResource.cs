using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Mediator;

namespace CrudCqrs.Application.Resources.DeleteResource;

/// <summary>Deletes a resource; its id leaves every dependency list, or with <see cref="Cascade"/> its dependents go too.</summary>
[Operation("delete_resource", "delete")]
public sealed record DeleteResourceCommand(string Id, bool Cascade = false, string? IfMatch = null) : ICommand<DeleteResult>, IIdempotentCommand;

public sealed record DeleteResult(int DeletedCount);

public sealed class DeleteResourceHandler(IResourceRepository repository, TimeProvider clock)
    : ICommandHandler<DeleteResourceCommand, DeleteResult>
{
    public async ValueTask<DeleteResult> Handle(DeleteResourceCommand command, CancellationToken cancellationToken)
    {
        var id = ResourceIds.ParseExisting(command.Id);
        OperationFacts.SetResourceId(id);

        await using var transaction = await repository.BeginWriteAsync(cancellationToken);
        await ResourceRules.FindForWriteAsync(repository, id, command.IfMatch, cancellationToken);

        IReadOnlyCollection<Guid> doomed = [id];
        if (command.Cascade)
        {
            var dependents = await repository.FindTransitiveDependentsAsync(id, cancellationToken);
            doomed = [id, .. dependents];
        }
        var deleted = await repository.DeleteAsync(doomed, clock.GetUtcNow(), cancellationToken);
        var result = new DeleteResult(deleted);
        await transaction.CommitAsync(result, cancellationToken);

        OperationFacts.SetDeleted(deleted, command.Cascade);
        return result;
    }
}
