using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.CreateResource;

[Operation("create_resource", "create")]
public sealed record CreateResourceCommand(string? Name, string? Description, IReadOnlyList<string?>? Dependencies)
    : ICommand<ResourceDto>;
