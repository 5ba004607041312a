using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Mediator;

namespace CrudCqrs.Application.Resources.UpdateResource;

/// <summary>
/// Partial update: a null field keeps its value; <see cref="Dependencies"/>, when given, replaces
/// the list. An update that leaves every field as stored answers the stored resource unchanged.
/// </summary>
[Operation("update_resource", "update")]
public sealed record UpdateResourceCommand(
    string Id,
    string? Name,
    string? Description,
    IReadOnlyList<string?>? Dependencies,
    string? IfMatch = null) : ICommand<ResourceDto>, IIdempotentCommand;

public sealed class UpdateResourceHandler(IResourceRepository repository, TimeProvider clock)
    : ICommandHandler<UpdateResourceCommand, ResourceDto>
{
    public async ValueTask<ResourceDto> Handle(UpdateResourceCommand command, CancellationToken cancellationToken)
    {
        var id = ResourceIds.ParseExisting(command.Id);
        OperationFacts.SetResourceId(id);
        var dependencies = command.Dependencies is null ? null : ResourceRules.ParseIds(command.Dependencies);

        await using var transaction = await repository.BeginWriteAsync(cancellationToken);
        var current = await ResourceRules.FindForWriteAsync(repository, id, command.IfMatch, cancellationToken);

        if (dependencies is not null)
        {
            await ResourceRules.EnsureDependenciesExistAsync(repository, dependencies, cancellationToken);
            await EnsureNoCycleAsync(id, current.Dependencies, dependencies, cancellationToken);
        }

        var updated = current.Update(command.Name, command.Description, dependencies, clock.GetUtcNow());
        // An update that changes nothing writes nothing: the version, ETag and updated time stay.
        if (updated.HasSameContentAs(current))
        {
            updated = current;
        }
        else
        {
            await repository.UpdateAsync(updated, cancellationToken);
        }
        var answer = ResourceDto.From(updated);
        await transaction.CommitAsync(answer, cancellationToken);
        return answer;
    }

    private async Task EnsureNoCycleAsync(Guid id, IReadOnlyList<Guid> before, IReadOnlyList<Guid> after, CancellationToken cancellationToken)
    {
        // Removing edges never closes a cycle: only the edges this update adds need walking.
        var added = after.Except(before).ToArray();
        if (added.Length == 0)
        {
            return;
        }
        using var span = OperationFacts.StartStep("cycle_check");
        var reachable = await repository.LoadReachableDependenciesAsync(added, id, cancellationToken);
        var cycle = DependencyGraph.FindCycle(id, added, node => reachable.TryGetValue(node, out var next) ? next : []);
        if (cycle is not null)
        {
            OperationFacts.RecordCycle(span, cycle);
            throw new CircularDependencyException(cycle);
        }
    }
}
