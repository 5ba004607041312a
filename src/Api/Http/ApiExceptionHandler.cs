using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CrudCqrs.Api.Http;

/// <summary>
/// The one place exceptions become HTTP answers. Handlers throw domain exceptions; each type
/// maps to one problem. Anything unexpected becomes a 500 with no exception text in the body.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }
        var problem = ToProblem(context, exception);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        }
        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled exception on {method} {path}", context.Request.Method, context.Request.Path.Value);
        }
        await ProblemFactory.WriteAsync(context, problem);
        return true;
    }

    /// <summary>True for exceptions that are answers, not faults: the framework need not log them.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is DomainException or ValidationException or StoreUnavailableException or OperationCanceledException
            or BadHttpRequestException;

    private static ProblemDetails ToProblem(HttpContext context, Exception exception)
    {
        switch (exception)
        {
            case ValidationException validation:
            {
                var problem = ProblemFactory.Create(context, 422, "Validation failed", "One or more fields are invalid.", ErrorNames.Validation);
                problem.Extensions["errors"] = validation.Errors
                    .GroupBy(e => e.PropertyName)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
                return problem;
            }
            case UnknownDependenciesException unknown:
            {
                var problem = ProblemFactory.Create(context, 422, "Validation failed", "Some dependencies do not exist.", ErrorNames.Validation);
                problem.Extensions["errors"] = unknown.UnknownByPosition.ToDictionary(
                    p => $"dependencies[{p.Key}]", p => new[] { $"Resource '{p.Value}' does not exist." });
                return problem;
            }
            case ResourceNotFoundException notFound:
            {
                var problem = ProblemFactory.Create(context, 404, "Resource not found", Shorten(notFound.Message), ErrorNames.NotFound);
                problem.Extensions["resourceId"] = notFound.ResourceId;
                return problem;
            }
            case CircularDependencyException cycle:
            {
                var problem = ProblemFactory.Create(context, 422, "Circular dependency", cycle.Message, ErrorNames.CircularDependency);
                problem.Extensions["cycle"] = cycle.Cycle.Select(id => id.ToString()).ToArray();
                return problem;
            }
            case PreconditionFailedException precondition:
                return ProblemFactory.Create(context, 412, "Precondition failed", precondition.Message, ErrorNames.PreconditionFailed);
            case StoreUnavailableException:
                return ProblemFactory.Create(context, 503, "Database unavailable",
                    $"The database is unavailable; retry in {RetryAfterSeconds} seconds.", ErrorNames.DatabaseUnavailable);
            case BadHttpRequestException { StatusCode: 413 }:
                return ProblemFactory.Create(context, 413, "Payload too large", $"The request body exceeds {JsonBodyInputFormatter.MaxBodyBytes} bytes.", ErrorNames.PayloadTooLarge);
            case BadHttpRequestException bad:
                return ProblemFactory.Create(context, bad.StatusCode, "Bad request", "The request could not be read.", ErrorNames.ForStatus(bad.StatusCode));
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                // The client is gone; the status is for logs and telemetry only.
                return ProblemFactory.Create(context, 499, "Client closed request", null, "ClientClosedRequest");
            default:
                return ProblemFactory.Create(context, 500, "Internal error", "An unexpected error occurred; the trace id identifies it in the logs.", ErrorNames.Internal);
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
