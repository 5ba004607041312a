using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.ListResources;

/// <summary>A page of the list by <see cref="Offset"/>, or, cheaper deep in the list, after an opaque <see cref="Cursor"/>.</summary>
[Operation("list_resources", "list")]
public sealed record ListResourcesQuery(int Offset = 0, int Limit = Paging.DefaultLimit, string? Cursor = null) : IQuery<PagedResult>;
