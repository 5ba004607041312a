using CrudCqrs.Api.Http;
using CrudCqrs.Api.OpenApi;
using CrudCqrs.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
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
    /// the store's dependency order: each after everything it depends on, directly or through
    /// other resources; creation order where no resource depends on a later one. A full page also
    /// carries <c>X-Next-Cursor</c> and a <c>Link: rel="next"</c>: pass it back as
    /// <paramref name="cursor"/> (instead of <paramref name="offset"/>) to read deep pages at constant cost.
    /// </summary>
    [HttpGet]
    [Authorize(Policy = Scopes.Read)]
    [EnableRateLimiting(ClientRateLimits.ReadPolicy)]
    [ProducesResponseType<IReadOnlyList<ResourceDto>>(StatusCodes.Status200OK)]
    [ResponseHeader(StatusCodes.Status200OK, "X-Total-Count", "How many resources match in all.", Type = "integer")]
    [ResponseHeader(StatusCodes.Status200OK, "X-Next-Cursor", "On a full page: the cursor of the next page.", Always = false)]
    [ResponseHeader(StatusCodes.Status200OK, "Link", "On a full page: <...&cursor=...>; rel=\"next\".", Always = false)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<ActionResult<IReadOnlyList<ResourceDto>>> Search(
        [FromQuery] string? q = null, [FromQuery] int offset = 0, [FromQuery] int limit = Paging.DefaultLimit,
        [FromQuery] string? cursor = null, CancellationToken cancellationToken = default)
    {
        var page = await sender.Send(new SearchResourcesQuery(q, offset, limit, cursor), cancellationToken);
        Response.Headers["X-Total-Count"] = page.TotalCount.ToString();
        if (page.NextCursor is { } next)
        {
            Response.Headers["X-Next-Cursor"] = next;
            var text = string.IsNullOrEmpty(q) ? "" : $"q={Uri.EscapeDataString(q)}&";
            Response.Headers.Link = $"</api/search?{text}limit={limit}&cursor={next}>; rel=\"next\"";
        }
        return new ResourcePageResult(page.Items);
    }
}
