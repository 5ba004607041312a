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
