using System.Collections;
using System.Diagnostics;
using System.Globalization;
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
                OperationLog.Completed(logger, operationType, ResourceIdText(), telemetry.DbType, ElapsedMs(started));
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

    private static string? ResourceIdText() => OperationScope.Current?.ResourceIdText;

    private static double ElapsedMs(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
}

/// <summary>
/// The operation lines. Started and completed, written on every operation, carry their fields in
/// an <see cref="OperationLine"/>, so the message is formatted once for both providers (NLog and
/// OpenTelemetry each asked for it); the rarer failure lines are cached log delegates (what
/// <c>[LoggerMessage]</c> generates), defined by hand because the field names the design asks for
/// (<c>operation.type</c>, <c>duration_ms</c>) are not C# identifiers.
/// </summary>
internal static class OperationLog
{
    public static readonly EventId StartedEvent = new(1000, "OperationStarted");
    public static readonly EventId CompletedEvent = new(1001, "OperationCompleted");

    private const string StartedTemplate = "Operation {operation.type} started on {db.type}";
    private const string CompletedTemplate = "Operation {operation.type} on {resource.id} ({db.type}) completed in {duration_ms} ms with {status}";

    public static void Started(ILogger logger, string operationType, string dbType) =>
        logger.Log(LogLevel.Information, StartedEvent,
            new OperationLine(StartedTemplate, [new("operation.type", operationType), new("db.type", dbType)],
                string.Concat("Operation ", operationType, " started on ", dbType)),
            null, OperationLine.Format);

    public static void Completed(ILogger logger, string operationType, string? resourceId, string dbType, double durationMs) =>
        logger.Log(LogLevel.Information, CompletedEvent,
            new OperationLine(CompletedTemplate,
                [new("operation.type", operationType), new("resource.id", resourceId), new("db.type", dbType), new("duration_ms", durationMs), new("status", "success")],
                // As LoggerMessage formats: invariant culture, "(null)" for a missing value.
                string.Create(CultureInfo.InvariantCulture, $"Operation {operationType} on {resourceId ?? "(null)"} ({dbType}) completed in {durationMs} ms with success")),
            null, OperationLine.Format);

    public static readonly Action<ILogger, string, string?, string, double, string, string, Exception?> Rejected =
        LoggerMessage.Define<string, string?, string, double, string, string>(LogLevel.Warning, new EventId(1002, "OperationRejected"),
            "Operation {operation.type} on {resource.id} ({db.type}) rejected after {duration_ms} ms with {status}: {error.type}");

    public static readonly Action<ILogger, string, string?, string, double, string, string, Exception?> Failed =
        LoggerMessage.Define<string, string?, string, double, string, string>(LogLevel.Error, new EventId(1003, "OperationFailed"),
            "Operation {operation.type} on {resource.id} ({db.type}) failed after {duration_ms} ms with {status}: {error.type}");
}

/// <summary>
/// A log line's structured fields (the template last, under <c>{OriginalFormat}</c>, as
/// <c>LoggerMessage</c> gives it) and its message, built once and shared by every provider.
/// </summary>
internal sealed class OperationLine(string template, KeyValuePair<string, object?>[] fields, string message)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<OperationLine, Exception?, string> Format = static (line, _) => line.Message;

    public string Message { get; } = message;

    public int Count => fields.Length + 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == fields.Length ? new("{OriginalFormat}", template) : fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
