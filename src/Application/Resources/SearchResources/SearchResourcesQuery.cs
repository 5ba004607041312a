using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.SearchResources;

/// <summary>
/// Case-insensitive substring match on name or description, in the store's dependency order;
/// a page by <see cref="Offset"/> or, cheaper deep in the results, after an opaque <see cref="Cursor"/>.
/// </summary>
[Operation("search_resources", "search")]
public sealed record SearchResourcesQuery(string? Text, int Offset = 0, int Limit = Paging.DefaultLimit, string? Cursor = null) : IQuery<PagedResult>;
