using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Start, complete and error lines for every operation, with the operation's fields as
/// structured properties (never the request body: it can be large and carries user data).
/// Inside Tracing, so every line carries the operation's trace and span ids.
/// </summary>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger, CrudTelemetry telemetry, ICurrentCaller? caller = null)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var operationType = Operation<TMessage>.Descriptor.Type;
        var started = Stopwatch.GetTimestamp();
        // A scope, so that every line of the operation names the authenticated caller.
        using var callerScope = caller?.Subject is { } subject ? logger.BeginScope(new Dictionary<string, object?> { ["enduser.id"] = subject }) : null;
        OperationLog.Started(logger, operationType, telemetry.DbType, null);
        try
        {
            var response = await next(message, cancellationToken);
            // Checked first so a filtered-out line costs no id formatting on every request.
            if (logger.IsEnabled(LogLevel.Information))
            {
                OperationLog.Completed(logger, operationType, ResourceIdText(), telemetry.DbType, ElapsedMs(started), "success", null);
            }
            return response;
        }
        catch (Exception exception)
        {
            var errorType = ErrorTypes.Of(exception);
            var log = ErrorTypes.IsClientError(errorType) ? OperationLog.Rejected : OperationLog.Failed;
            log(logger, operationType, ResourceIdText(), telemetry.DbType, ElapsedMs(started), "error", errorType, exception);
            throw;
        }
    }

    private static string? ResourceIdText() => OperationScope.Current?.ResourceId?.ToString();

    private static double ElapsedMs(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
}

/// <summary>
/// Cached log delegates (what <c>[LoggerMessage]</c> generates), defined by hand because the
/// field names the design asks for (<c>operation.type</c>, <c>duration_ms</c>) are not C# identifiers.
/// </summary>
internal static class OperationLog
{
    public static readonly Action<ILogger, string, string, Exception?> Started =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1000, "OperationStarted"),
            "Operation {operation.type} started on {db.type}");

    public static readonly Action<ILogger, string, string?, string, double, string, Exception?> Completed =
        LoggerMessage.Define<string, string?, string, double, string>(LogLevel.Information, new EventId(1001, "OperationCompleted"),
            "Operation {operation.type} on {resource.id} ({db.type}) completed in {duration_ms} ms with {status}");

    public static readonly Action<ILogger, string, string?, string, double, string, string, Exception?> Rejected =
        LoggerMessage.Define<string, string?, string, double, string, string>(LogLevel.Warning, new EventId(1002, "OperationRejected"),
            "Operation {operation.type} on {resource.id} ({db.type}) rejected after {duration_ms} ms with {status}: {error.type}");

    public static readonly Action<ILogger, string, string?, string, double, string, string, Exception?> Failed =
        LoggerMessage.Define<string, string?, string, double, string, string>(LogLevel.Error, new EventId(1003, "OperationFailed"),
            "Operation {operation.type} on {resource.id} ({db.type}) failed after {duration_ms} ms with {status}: {error.type}");
}
