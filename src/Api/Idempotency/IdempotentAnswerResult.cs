using CrudCqrs.Application.Idempotency;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Idempotency;

/// <summary>Writes a stored answer again: status, <c>Location</c>, <c>ETag</c> and body as first sent.</summary>
public sealed class IdempotentAnswerResult(IdempotentAnswer answer) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }
        if (answer.ETag is not null)
        {
            response.Headers.ETag = answer.ETag;
        }
        if (answer.Body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(answer.Body, context.HttpContext.RequestAborted);
        }
    }
}
