using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Http;

/// <summary>The <c>error</c> names of API.md, kept from the older service.</summary>
public static class ErrorNames
{
    public const string Validation = "ValidationError";
    public const string Malformed = "MalformedRequest";
    public const string NotFound = "NotFoundError";
    public const string CircularDependency = "CircularDependencyError";
    public const string PreconditionFailed = "PreconditionFailed";
    public const string PayloadTooLarge = "PayloadTooLarge";
    public const string DatabaseUnavailable = "DatabaseUnavailable";
    public const string Internal = "InternalError";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string UnsupportedMediaType = "UnsupportedMediaType";

    public static string ForStatus(int status) => status switch
    {
        400 => Malformed,
        404 => NotFound,
        405 => MethodNotAllowed,
        412 => PreconditionFailed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => Validation,
        503 => DatabaseUnavailable,
        _ => Internal,
    };
}

/// <summary>Builds every RFC 9457 body the API sends, so all of them carry <c>error</c> and <c>traceId</c>.</summary>
public static class ProblemFactory
{
    public static ProblemDetails Create(HttpContext context, int status, string title, string? detail, string? error = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path.Value is { Length: <= 512 } path ? path : context.Request.Path.Value?[..512],
        };
        Complete(context, problem, error);
        return problem;
    }

    /// <summary>Adds <c>error</c> and <c>traceId</c> to a problem built elsewhere (status pages, the framework).</summary>
    public static void Complete(HttpContext context, ProblemDetails problem, string? error = null)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        problem.Type = $"https://httpstatuses.io/{status}";
        problem.Instance ??= context.Request.Path.Value;
        problem.Extensions.Remove("traceId");
        problem.Extensions["error"] = error ?? (problem.Extensions.TryGetValue("error", out var existing) && existing is string name ? name : ErrorNames.ForStatus(status));
        problem.Extensions["traceId"] = TraceHeaders.TraceId(context) ?? Activity.Current?.TraceId.ToHexString();
    }

    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
