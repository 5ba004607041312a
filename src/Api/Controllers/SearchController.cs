using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.SearchResources;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Controllers;

[ApiController]
[Route("api/search")]
[Produces("application/json")]
public sealed class SearchController(ISender sender) : ControllerBase
{
    /// <summary>
    /// Resources whose name or description contains <paramref name="q"/> (case-insensitive), in
    /// topological order: dependencies before their dependents, ties by creation time, then id.
    /// </summary>
    [HttpGet]
    [ProducesResponseType<IReadOnlyList<ResourceDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<ResourceDto>>> Search(
        [FromQuery] string? q = null, [FromQuery] int offset = 0, [FromQuery] int limit = Paging.DefaultLimit,
        CancellationToken cancellationToken = default)
    {
        var page = await sender.Send(new SearchResourcesQuery(q, offset, limit), cancellationToken);
        Response.Headers["X-Total-Count"] = page.TotalCount.ToString();
        return Ok(page.Items);
    }
}
