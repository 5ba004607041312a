using System.Diagnostics;
using CrudCqrs.Application.Errors;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Http;

/// <summary>Builds every RFC 9457 body the API sends, so all of them carry <c>error</c> and <c>traceId</c>.</summary>
public static class ProblemFactory
{
    /// <summary>A problem of one kind of <see cref="ErrorKinds"/>: its status, title and <c>error</c> name.</summary>
    public static ProblemDetails Create(HttpContext context, ErrorKind kind, string? detail) =>
        Create(context, kind.Status, kind.Title, detail, kind.Name);

    public static ProblemDetails Create(HttpContext context, int status, string title, string? detail, string? error = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = InstanceOf(context),
        };
        Complete(context, problem, error);
        return problem;
    }

    /// <summary>Adds <c>error</c> and <c>traceId</c> to a problem built elsewhere (status pages, the framework).</summary>
    public static void Complete(HttpContext context, ProblemDetails problem, string? error = null)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        problem.Type = $"https://httpstatuses.io/{status}";
        problem.Instance ??= InstanceOf(context);
        // The framework's defaults have no title for some statuses (429 among them).
        problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        problem.Extensions.Remove("traceId");
        problem.Extensions["error"] = error ?? (problem.Extensions.TryGetValue("error", out var existing) && existing is string name ? name : ErrorKinds.ForStatus(status).Name);
        problem.Extensions["traceId"] = TraceHeaders.TraceId(context) ?? Activity.Current?.TraceId.ToHexString();
    }

    /// <summary>The request's path, cut at 512 characters: a request line may be 64 KB, and an answer never echoes all of it.</summary>
    private static string? InstanceOf(HttpContext context) =>
        context.Request.Path.Value is { Length: > 512 } path ? path[..512] : context.Request.Path.Value;

    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
