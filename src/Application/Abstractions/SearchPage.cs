using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Abstractions;

/// <summary>
/// A page of search results; <paramref name="LastPosition"/> is the dependency-order position of
/// its last item (null when empty), where the next page starts.
/// </summary>
public sealed record SearchPage(IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition);
