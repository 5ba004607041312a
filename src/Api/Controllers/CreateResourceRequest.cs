namespace CrudCqrs.Api.Controllers;

/// <summary>Body of <c>POST /api/resources</c>.</summary>
/// <param name="Name">Required; 1–100 characters after trimming, at least one of which shows.</param>
/// <param name="Description">Optional; at most 500 characters; blank becomes null.</param>
/// <param name="Dependencies">Ids of existing resources, no repeats; order is kept.</param>
public sealed record CreateResourceRequest(string? Name, string? Description, List<string?>? Dependencies);
