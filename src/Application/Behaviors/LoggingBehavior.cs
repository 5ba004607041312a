using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Errors;
using CrudCqrs.Domain.Resources;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// Start and outcome lines for every operation, with the operation's fields as structured
/// properties (never the request body: it can be large and carries user data). A refusal (the
/// client's mistake: 4xx) is an outcome like success, logged with its category and message and no
/// stack trace; a failure (5xx, anything unexpected) carries the exception and its stack. A write
/// answered from its <c>Idempotency-Key</c>'s stored record has its own outcome line, replayed.
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
        if (logger.IsEnabled(LogLevel.Information))
        {
            OperationLog.Started(logger, operationType, telemetry.DbType);
        }
        try
        {
            var response = await next(message, cancellationToken);
            // Checked first so a filtered-out line costs no id formatting on every request.
            if (logger.IsEnabled(LogLevel.Information))
            {
                if (OperationScope.Current is { Replayed: true })
                {
                    OperationLog.Replayed(logger, operationType, telemetry.DbType, ElapsedMs(started));
                }
                else
                {
                    OperationLog.Completed(logger, operationType, OperationScope.Current?.ResourceIdText, telemetry.DbType, ElapsedMs(started));
                }
            }
            return response;
        }
        catch (Exception exception)
        {
            var kind = ErrorKinds.Of(exception);
            var resourceId = OperationScope.Current?.ResourceIdText;
            // Only an id that did not parse fails before the handler knows the resource it names.
            var on = resourceId is null && exception is ResourceNotFoundException ? OperationSubject.UnparsableId : OperationSubject.For(resourceId);
            if (kind.IsClientError)
            {
                if (logger.IsEnabled(kind.LogLevel))
                {
                    OperationLog.Rejected(logger, kind.LogLevel, operationType, on, telemetry.DbType, ElapsedMs(started), kind.ErrorType, RefusalText(exception, on));
                }
            }
            else
            {
                OperationLog.Failed(logger, operationType, on, telemetry.DbType, ElapsedMs(started), kind.ErrorType, exception);
            }
            throw;
        }
    }

    /// <summary>What the client got wrong, on one bounded line: what it sent can be anything.</summary>
    private static string RefusalText(Exception exception, OperationSubject subject)
    {
        var text = exception switch
        {
            ValidationException { Errors: var errors } when errors.Any() =>
                string.Join("; ", errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")),
            ResourceNotFoundException notFound when subject == OperationSubject.UnparsableId =>
                $"Resource '{LogText.Bounded(notFound.ResourceId, LogText.IdPrefixLength)}' was not found.",
            _ => exception.Message,
        };
        return LogText.Bounded(text, LogText.MessageLength);
    }

    private static double ElapsedMs(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
}
