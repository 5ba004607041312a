using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Errors;
using CrudCqrs.Application.Idempotency;
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
        if (problem.Status == ErrorKinds.Internal.Status)
        {
            logger.LogError(exception, "Unhandled exception on {method} {path}", context.Request.Method, context.Request.Path.Value);
        }
        await ProblemFactory.WriteAsync(context, problem);
        return true;
    }

    /// <summary>True for exceptions that are answers, not faults: the framework need not log them.</summary>
    public static bool IsExpected(Exception exception) => KindOf(exception) != ErrorKinds.Internal;

    /// <summary>
    /// The table's kind for an exception. The framework's bad-request exceptions are known here
    /// only by their status; one the table has no row for is still the client's fault.
    /// </summary>
    private static ErrorKind KindOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad when ErrorKinds.ForStatus(bad.StatusCode) is var kind && kind.Status == bad.StatusCode => kind,
        BadHttpRequestException => ErrorKinds.MalformedRequest,
        _ => ErrorKinds.Of(exception),
    };

    private static ProblemDetails ToProblem(HttpContext context, Exception exception)
    {
        var kind = KindOf(exception);
        if (kind == ErrorKinds.ClientClosedRequest && !context.RequestAborted.IsCancellationRequested)
        {
            // Cancelled by something other than the client: a fault, not an answer.
            kind = ErrorKinds.Internal;
        }
        // A bad request keeps the status the server chose (408, 431, ...), whatever its kind.
        var status = exception is BadHttpRequestException bad ? bad.StatusCode : kind.Status;
        var problem = ProblemFactory.Create(context, status, kind.Title, Detail(kind, exception), kind.Name);
        switch (exception)
        {
            case ValidationException validation:
                problem.Extensions["errors"] = validation.Errors
                    .GroupBy(e => e.PropertyName)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
                break;
            case UnknownDependenciesException unknown:
                problem.Extensions["errors"] = unknown.UnknownByPosition.ToDictionary(
                    p => $"dependencies[{p.Key}]", p => new[] { $"Resource '{p.Value}' does not exist." });
                break;
            case ResourceNotFoundException notFound:
                problem.Extensions["resourceId"] = notFound.ResourceId;
                break;
            case CircularDependencyException cycle:
                problem.Extensions["cycle"] = cycle.Shown.Select(id => id.ToString()).ToArray();
                problem.Extensions["cycleLength"] = cycle.Length;
                problem.Extensions["cycleTruncated"] = cycle.IsTruncated;
                break;
        }
        return problem;
    }

    private static string? Detail(ErrorKind kind, Exception exception) => exception switch
    {
        _ when kind == ErrorKinds.Internal => "An unexpected error occurred; the trace id identifies it in the logs.",
        ValidationException => "One or more fields are invalid.",
        UnknownDependenciesException => "Some dependencies do not exist.",
        ResourceNotFoundException => Shorten(exception.Message),
        CircularDependencyException cycle => CycleDetail(cycle),
        PreconditionFailedException => exception.Message,
        IdempotencyKeyTakenException => $"Another request with this {IdempotentRequest.HeaderName} is still running; retry once it has answered.",
        StoreUnavailableException => $"The database is unavailable; retry in {RetryAfterSeconds} seconds.",
        BadHttpRequestException when kind == ErrorKinds.PayloadTooLarge => $"The request body exceeds {JsonBodyInputFormatter.MaxBodyBytes} bytes.",
        BadHttpRequestException => "The request could not be read.",
        _ => null,
    };

    /// <summary>The path is in <c>cycle</c> only: the detail names its length and its ends.</summary>
    private static string CycleDetail(CircularDependencyException cycle) =>
        $"The update would close a cycle through {cycle.Length} resources, from {cycle.Cycle[0]} back to itself; " +
        (cycle.IsTruncated
            ? $"'cycle' lists the first and the last {CircularDependencyException.EndsShown} ids of its path."
            : "'cycle' lists its path.");

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
