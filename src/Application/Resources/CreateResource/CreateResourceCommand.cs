using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Mediator;

namespace CrudCqrs.Application.Resources.CreateResource;

[Operation("create_resource", "create")]
public sealed record CreateResourceCommand(string? Name, string? Description, IReadOnlyList<string?>? Dependencies)
    : ICommand<ResourceDto>, IIdempotentCommand;
