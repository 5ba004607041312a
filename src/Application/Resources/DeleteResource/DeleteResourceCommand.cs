using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using Mediator;

namespace CrudCqrs.Application.Resources.DeleteResource;

/// <summary>Deletes a resource; its id leaves every dependency list, or with <see cref="Cascade"/> its dependents go too.</summary>
[Operation("delete_resource", "delete")]
public sealed record DeleteResourceCommand(string Id, bool Cascade = false, string? IfMatch = null) : ICommand<DeleteResult>, IIdempotentCommand;
