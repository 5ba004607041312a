using CrudCqrs.Api.Http;
using CrudCqrs.Api.OpenApi;
using CrudCqrs.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.UpdateResource;
using CrudCqrs.Api.Idempotency;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CrudCqrs.Api.Controllers;

/// <summary>Translates HTTP into commands and queries; every rule lives behind the mediator.</summary>
[ApiController]
[Route("api/resources")]
[Produces("application/json")]
public sealed class ResourcesController(ISender sender) : ControllerBase
{
    /// <summary>Creates a resource.</summary>
    [HttpPost]
    [Authorize(Policy = Scopes.Write)]
    [EnableRateLimiting(ClientRateLimits.WritePolicy)]
    [Idempotent]
    [ProducesResponseType<ResourceDto>(StatusCodes.Status201Created)]
    [ResponseHeader(StatusCodes.Status201Created, "Location", "The new resource's path, /api/resources/{id}.")]
    [ResponseHeader(StatusCodes.Status201Created, "ETag", "The new resource's version, for If-Match and If-None-Match.")]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<ActionResult<ResourceDto>> Create([FromBody] CreateResourceRequest body, CancellationToken cancellationToken)
    {
        var resource = await sender.Send(new CreateResourceCommand(body.Name, body.Description, body.Dependencies), cancellationToken);
        Response.Headers.ETag = resource.ETag;
        return Created($"/api/resources/{resource.Id}", resource);
    }

    /// <summary>
    /// Lists resources by creation time, then id; <c>X-Total-Count</c> gives the total. A full page
    /// also carries <c>X-Next-Cursor</c> and a <c>Link: rel="next"</c>: pass it back as
    /// <paramref name="cursor"/> (instead of <paramref name="offset"/>) to read deep into the list at constant cost.
    /// </summary>
    [HttpGet]
    [Authorize(Policy = Scopes.Read)]
    [EnableRateLimiting(ClientRateLimits.ReadPolicy)]
    [ProducesResponseType<IReadOnlyList<ResourceDto>>(StatusCodes.Status200OK)]
    [ResponseHeader(StatusCodes.Status200OK, "X-Total-Count", "How many resources there are in all.", Type = "integer")]
    [ResponseHeader(StatusCodes.Status200OK, "X-Next-Cursor", "On a full page: the cursor of the next page.", Always = false)]
    [ResponseHeader(StatusCodes.Status200OK, "Link", "On a full page: <...&cursor=...>; rel=\"next\".", Always = false)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<ActionResult<IReadOnlyList<ResourceDto>>> List(
        [FromQuery] int offset = 0, [FromQuery] int limit = Paging.DefaultLimit, [FromQuery] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var page = await sender.Send(new ListResourcesQuery(offset, limit, cursor), cancellationToken);
        Response.Headers["X-Total-Count"] = page.TotalCount.ToString();
        if (page.NextCursor is { } next)
        {
            Response.Headers["X-Next-Cursor"] = next;
            Response.Headers.Link = $"</api/resources?limit={limit}&cursor={next}>; rel=\"next\"";
        }
        return new ResourcePageResult(page.Items);
    }

    /// <summary>Reads one resource; 304 without a body when <c>If-None-Match</c> names its current ETag.</summary>
    [HttpGet("{id}")]
    [Authorize(Policy = Scopes.Read)]
    [EnableRateLimiting(ClientRateLimits.ReadPolicy)]
    [ProducesResponseType<ResourceDto>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ResponseHeader(StatusCodes.Status200OK, "ETag", "The resource's version, for If-Match and If-None-Match.")]
    [ResponseHeader(StatusCodes.Status304NotModified, "ETag", "The resource's current version, the one If-None-Match named.")]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<ActionResult<ResourceDto>> Get(
        [RawId] string id, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, CancellationToken cancellationToken)
    {
        var resource = await sender.Send(new GetResourceQuery(id), cancellationToken);
        Response.Headers.ETag = resource.ETag;
        if (ifNoneMatch is not null && IsNotModified(resource.ETag))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }
        return Ok(resource);
    }

    /// <summary>RFC 9110's <c>If-None-Match</c> (every header line of it): weak comparison, <c>*</c> matches any current resource.</summary>
    private bool IsNotModified(string currentETag)
    {
        var ifNoneMatch = Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParse(currentETag, out var current))
        {
            return false;
        }
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    /// <summary>
    /// Partially updates a resource; refused with the cycle's path if it would close one. An update
    /// that leaves every field as stored writes nothing and answers the resource with its current ETag.
    /// </summary>
    [HttpPut("{id}")]
    [Authorize(Policy = Scopes.Write)]
    [EnableRateLimiting(ClientRateLimits.WritePolicy)]
    [Idempotent]
    [ProducesResponseType<ResourceDto>(StatusCodes.Status200OK)]
    [ResponseHeader(StatusCodes.Status200OK, "ETag", "The resource's new version.")]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<ActionResult<ResourceDto>> Update(
        [RawId] string id, [FromBody] UpdateResourceRequest body, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken cancellationToken)
    {
        var resource = await sender.Send(new UpdateResourceCommand(id, body.Name, body.Description, body.Dependencies, ifMatch), cancellationToken);
        Response.Headers.ETag = resource.ETag;
        return Ok(resource);
    }

    /// <summary>Deletes a resource; its id leaves every dependency list, or with <c>cascade=true</c> its dependents are deleted too.</summary>
    [HttpDelete("{id}")]
    [Authorize(Policy = Scopes.Write)]
    [EnableRateLimiting(ClientRateLimits.WritePolicy)]
    [Idempotent]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Delete(
        [RawId] string id, [FromQuery] bool cascade = false, [FromHeader(Name = "If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await sender.Send(new DeleteResourceCommand(id, cascade, ifMatch), cancellationToken);
        return NoContent();
    }
}
