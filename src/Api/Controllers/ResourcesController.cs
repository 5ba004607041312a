using CrudCqrs.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.ListResources;
using CrudCqrs.Application.Resources.UpdateResource;
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
    [ProducesResponseType<ResourceDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
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
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
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
        return Ok(page.Items);
    }

    /// <summary>Reads one resource; 304 without a body when <c>If-None-Match</c> names its current ETag.</summary>
    [HttpGet("{id}")]
    [Authorize(Policy = Scopes.Read)]
    [EnableRateLimiting(ClientRateLimits.ReadPolicy)]
    [ProducesResponseType<ResourceDto>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<ResourceDto>> Get([RawId] string id, CancellationToken cancellationToken)
    {
        var resource = await sender.Send(new GetResourceQuery(id), cancellationToken);
        Response.Headers.ETag = resource.ETag;
        if (IsNotModified(resource.ETag))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }
        return Ok(resource);
    }

    /// <summary>RFC 9110's <c>If-None-Match</c>: weak comparison, <c>*</c> matches any current resource.</summary>
    private bool IsNotModified(string currentETag)
    {
        var ifNoneMatch = Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParse(currentETag, out var current))
        {
            return false;
        }
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    /// <summary>Partially updates a resource; refused with the cycle's path if it would close one.</summary>
    [HttpPut("{id}")]
    [Authorize(Policy = Scopes.Write)]
    [EnableRateLimiting(ClientRateLimits.WritePolicy)]
    [ProducesResponseType<ResourceDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
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
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public async Task<IActionResult> Delete(
        [RawId] string id, [FromQuery] bool cascade = false, [FromHeader(Name = "If-Match")] string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await sender.Send(new DeleteResourceCommand(id, cascade, ifMatch), cancellationToken);
        return NoContent();
    }
}

/// <summary>
/// Binds the route id exactly as sent: MVC would turn a blank one into null, and the 404 must name
/// what the client asked for.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RawIdAttribute : System.ComponentModel.DataAnnotations.DisplayFormatAttribute
{
    public RawIdAttribute() => ConvertEmptyStringToNull = false;
}
