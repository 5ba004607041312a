using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Abstractions;

public sealed record ResourcePage(IReadOnlyList<Resource> Items, long TotalCount);
