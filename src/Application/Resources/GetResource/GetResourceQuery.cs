using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.GetResource;

[Operation("read_resource", "read")]
public sealed record GetResourceQuery(string Id) : IQuery<ResourceDto>;
