using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Http;

/// <summary>Writes the problem itself, so controller-level <c>[Produces]</c> cannot change its media type.</summary>
internal sealed class ProblemResult(ProblemDetails problem) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => ProblemFactory.WriteAsync(context.HttpContext, problem);
}
