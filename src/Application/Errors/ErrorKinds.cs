using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Domain.Resources;
using FluentValidation;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Application.Errors;

/// <summary>
/// The one table of failures: each kind's status, <c>error</c> name, title, <c>error.type</c> and
/// log level, and which exception means which kind. The client's mistakes (4xx) are logged at
/// Information: a refusal is the service doing its job, like a success, and warnings stay for what
/// an operator may have to act on (docs/logging-reference.md). The exception handler, the behaviors and the
/// OpenAPI document all read it, so a new kind is one row here (plus its exception below).
/// </summary>
public static class ErrorKinds
{
    public static readonly ErrorKind Validation = new("ValidationError", 422, "Validation failed", ErrorTypes.Validation, LogLevel.Information);
    public static readonly ErrorKind MalformedRequest = new("MalformedRequest", 400, "Malformed request", ErrorTypes.Validation, LogLevel.Information);
    public static readonly ErrorKind Unauthorized = new("Unauthorized", 401, "Unauthorized", "unauthorized", LogLevel.Information);
    public static readonly ErrorKind Forbidden = new("Forbidden", 403, "Forbidden", "forbidden", LogLevel.Information);
    public static readonly ErrorKind NotFound = new("NotFoundError", 404, "Resource not found", ErrorTypes.NotFound, LogLevel.Information);
    public static readonly ErrorKind MethodNotAllowed = new("MethodNotAllowed", 405, "Method not allowed", ErrorTypes.Validation, LogLevel.Information);
    public static readonly ErrorKind Conflict = new("Conflict", 409, "Conflict", "conflict", LogLevel.Information);
    public static readonly ErrorKind PreconditionFailed = new("PreconditionFailed", 412, "Precondition failed", ErrorTypes.PreconditionFailed, LogLevel.Information);
    public static readonly ErrorKind PayloadTooLarge = new("PayloadTooLarge", 413, "Payload too large", ErrorTypes.Validation, LogLevel.Information);
    public static readonly ErrorKind UnsupportedMediaType = new("UnsupportedMediaType", 415, "Unsupported media type", ErrorTypes.Validation, LogLevel.Information);
    public static readonly ErrorKind CircularDependency = new("CircularDependencyError", 422, "Circular dependency", ErrorTypes.CircularDependency, LogLevel.Information);
    public static readonly ErrorKind TooManyRequests = new("TooManyRequests", 429, "Too many requests", "rate_limited", LogLevel.Information);
    /// <summary>The client went away; the status is for logs and telemetry only.</summary>
    public static readonly ErrorKind ClientClosedRequest = new("ClientClosedRequest", 499, "Client closed request", ErrorTypes.Cancelled, LogLevel.Information);
    public static readonly ErrorKind Internal = new("InternalError", 500, "Internal error", ErrorTypes.Internal, LogLevel.Error);
    public static readonly ErrorKind DatabaseUnavailable = new("DatabaseUnavailable", 503, "Database unavailable", ErrorTypes.DatabaseUnavailable, LogLevel.Error);

    /// <summary>Every kind, in status order; the first kind of a status is the one <see cref="ForStatus"/> picks.</summary>
    public static IReadOnlyList<ErrorKind> All { get; } =
    [
        MalformedRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, Conflict, PreconditionFailed,
        PayloadTooLarge, UnsupportedMediaType, Validation, CircularDependency, TooManyRequests,
        ClientClosedRequest, Internal, DatabaseUnavailable,
    ];

    /// <summary>The kind an exception thrown below the API stands for; anything unknown is a fault.</summary>
    public static ErrorKind Of(Exception exception) => exception switch
    {
        ValidationException or UnknownDependenciesException => Validation,
        ResourceNotFoundException => NotFound,
        CircularDependencyException => CircularDependency,
        PreconditionFailedException => PreconditionFailed,
        IdempotencyKeyTakenException => Conflict,
        StoreUnavailableException => DatabaseUnavailable,
        OperationCanceledException => ClientClosedRequest,
        _ => Internal,
    };

    /// <summary>The kind of an answer known only by its status (framework status pages, bad requests).</summary>
    public static ErrorKind ForStatus(int status) =>
        All.FirstOrDefault(kind => kind.Status == status) ?? Internal;

    /// <summary>The kind for an <c>error.type</c> category; categories shared by several kinds share their log level.</summary>
    public static ErrorKind ForErrorType(string errorType) =>
        All.FirstOrDefault(kind => kind.ErrorType == errorType) ?? Internal;
}
