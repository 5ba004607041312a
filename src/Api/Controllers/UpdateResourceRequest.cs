namespace CrudCqrs.Api.Controllers;

/// <summary>Body of <c>PUT /api/resources/{id}</c>: absent or null fields keep their value; <c>dependencies</c> replaces the list.</summary>
public sealed record UpdateResourceRequest(string? Name, string? Description, List<string?>? Dependencies);
